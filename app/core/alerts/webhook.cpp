#include "core/alerts/webhook.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

WebhookSender::WebhookSender(WebhookSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_network(new QNetworkAccessManager(this))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &WebhookSender::next);
}

WebhookSender::~WebhookSender()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

void WebhookSender::post(const QUrl& url, const QByteArray& json)
{
    while (m_queue.size() >= std::max(1, m_settings.maxQueue)) {
        const Delivery old = m_queue.dequeue();
        ++m_dropped;
        Q_EMIT failed(old.url, tr("queue full (%1 waiting): oldest delivery dropped").arg(m_settings.maxQueue));
    }
    m_queue.enqueue({ url, json, 0 });
    if (!m_reply && !m_retry.isActive())
        next();
}

void WebhookSender::next()
{
    if (m_reply)
        return;
    if (m_current.url.isEmpty()) {
        if (m_queue.isEmpty())
            return;
        m_current = m_queue.dequeue();
    }
    QNetworkRequest request(m_current.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("stevedore/" STEVEDORE_VERSION));
    request.setTransferTimeout(m_settings.timeoutMs);
    ++m_current.attempts;
    m_reply = m_network->post(request, m_current.body);
    connect(m_reply, &QNetworkReply::finished, this, &WebhookSender::onFinished);
}

void WebhookSender::onFinished()
{
    QNetworkReply* reply = m_reply;
    m_reply.clear();
    if (!reply)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const Delivery d = m_current;
    if (status >= 200 && status < 300) {
        m_current = {};
        Q_EMIT delivered(d.url, status);
        next();
        return;
    }
    const bool retryable = status == 0 || status == 429 || status >= 500;
    const QString why = status ? tr("HTTP %1").arg(status) : reply->errorString();
    if (!retryable || d.attempts >= m_settings.maxAttempts) {
        m_current = {};
        ++m_dropped;
        Q_EMIT failed(d.url, retryable ? tr("%1 (gave up after %2 attempts)").arg(why).arg(d.attempts) : why);
        next();
        return;
    }
    int backoff = m_settings.initialBackoffMs;
    for (int i = 1; i < d.attempts && backoff < m_settings.maxBackoffMs; ++i)
        backoff *= 2;
    m_retry.start(std::min(backoff, m_settings.maxBackoffMs));
}
