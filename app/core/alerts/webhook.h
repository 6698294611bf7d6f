#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
#include <QNetworkReply>

struct WebhookSettings
{
    int maxQueue = 200; // deliveries waiting; the oldest is dropped beyond this
    int maxAttempts = 5; // per delivery, the first included
    int timeoutMs = 5000; // per attempt
    int initialBackoffMs = 1000; // doubled after each failed attempt
    int maxBackoffMs = 30000;
};

// Delivers alert documents to webhooks: HTTP POST, Content-Type
// application/json, one at a time in order. A network error, a timeout, 429
// or a 5xx is retried with backoff up to maxAttempts; any other answer
// outside 2xx drops the delivery (the receiver refused it, retrying would
// not change its mind). The queue is bounded so a dead receiver costs
// memory for maxQueue documents at most.
class WebhookSender : public QObject
{
    Q_OBJECT
public:
    explicit WebhookSender(WebhookSettings settings, QObject* parent = nullptr);
    ~WebhookSender() override;

    void post(const QUrl& url, const QByteArray& json);
    int queued() const { return int(m_queue.size()) + (m_reply ? 1 : 0); }
    quint64 dropped() const { return m_dropped; }

Q_SIGNALS:
    void delivered(const QUrl& url, int status);
    // Given up on one document: after maxAttempts, or refused, or pushed out
    // of a full queue.
    void failed(const QUrl& url, const QString& why);

private:
    struct Delivery
    {
        QUrl url;
        QByteArray body;
        int attempts = 0;
    };
    void next();
    void onFinished();

    WebhookSettings m_settings;
    QNetworkAccessManager* m_network = nullptr;
    QQueue<Delivery> m_queue;
    Delivery m_current;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retry;
    quint64 m_dropped = 0;
};
