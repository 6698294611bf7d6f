#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <optional>

class QNetworkReply;
class QNetworkRequest;
class QSslError;
struct Snapshot;

struct ReporterSettings
{
    QUrl url; // the receiver's POST /logs URL (no path: its /logs)
    QString token; // sent as "Authorization: Bearer TOKEN" when set
    // With no token: the token file of the data directory (<data-dir>/token),
    // read by the engine once its embedded receiver has made it.
    QString tokenFile;
    // https:// URLs: the server's certificate is verified, host name
    // included, against these CA certificates (a PEM bundle; empty: the
    // system's). Never switched off.
    QString caFile;
    // The embedded receiver's own certificate (--tls-cert): on loopback the
    // reporter trusts exactly that certificate, whatever names it carries.
    QString pinnedCertFile;
    int maxQueue = 10000; // entries kept while the receiver is unreachable
    int requestTimeoutMs = 5000;
    int minBackoffMs = 500;
    int maxBackoffMs = 30000;
};

// localhost or a loopback address (127.0.0.0/8, ::1).
bool isLoopbackUrl(const QUrl& url);
// A receiver URL without a path (http://host:5000 or .../) means its /logs.
QUrl receiverLogsUrl(const QUrl& url);
// The URL of a receiver listening on host:port (a wildcard address is
// reached through loopback).
QUrl embeddedReceiverUrl(const QString& listenHost, quint16 listenPort);

// POSTs each tick's entry to a receiver with QNetworkAccessManager, as the
// original's Rust service did, so an agent on another host can report to a
// central Stevedore. Entries go one at a time, in order. While the receiver
// is unreachable (or answers 5xx, 401, 403, 408, 429) they wait in a bounded
// queue and the head is retried with exponential backoff; none is lost until
// the bound, then the oldest are dropped, counted and logged. An entry the
// receiver rejects as invalid (another 4xx) is dropped and logged: resending
// it would never succeed.
class Reporter : public QObject
{
    Q_OBJECT
public:
    explicit Reporter(ReporterSettings options, QObject* parent = nullptr);
    ~Reporter() override;

    const ReporterSettings& options() const { return m_options; }

    // reportEntryBytes(snapshot, id): the original's LogEntry plus the
    // snapshot, and its "entry_id" {host_id: snapshot.host.id, run: runId(),
    // seq: 1, 2, ...}, so a receiver stores an entry resent after a lost
    // answer only once (docs/receiver.md, Idempotency).
    void report(const Snapshot& snapshot);
    // A body as it is (no entry_id added).
    void enqueue(const QByteArray& jsonBody);

    // This reporter's run: random, new with each Reporter (each process).
    QString runId() const { return m_run; }
    // The entries report() has made: the last sequence number given.
    qint64 produced() const { return m_seq; }

    int queued() const { return int(m_queue.size()); } // in flight included
    int peakQueued() const { return m_peakQueued; }
    qint64 queuedBytes() const { return m_queuedBytes; }
    qint64 peakQueuedBytes() const { return m_peakQueuedBytes; }
    quint64 delivered() const { return m_delivered; }
    quint64 dropped() const { return m_dropped; } // to the queue bound
    quint64 rejected() const { return m_rejected; } // refused as invalid
    QString lastError() const { return m_lastError; }
    bool failing() const { return m_failing; }

    // Calls done(true) once the queue is empty, or done(false) at the
    // deadline. A pending backoff is cut short: shutdown wants to try now.
    void flush(int deadlineMs, std::function<void(bool delivered)> done);
    bool flushBlocking(int deadlineMs); // spins a local event loop

    // The original's shutdown sequence: the final entry (if any), a flush within
    // flushDeadlineMs, then GET /generate_graphs on the same receiver (its
    // URL with /logs replaced), waiting up to chartsTimeoutMs. done gets the
    // chart files, or an error saying what did not happen.
    void shutdown(const Snapshot* finalSnapshot, int flushDeadlineMs, int chartsTimeoutMs,
                  std::function<void(const QStringList& files, const QString& error)> done);
    QStringList shutdownBlocking(const Snapshot* finalSnapshot, int flushDeadlineMs, int chartsTimeoutMs,
                                 QString* error);

    QUrl generateGraphsUrl() const;
    // GET of another route of the same receiver (show_graphs), with the
    // token and the same TLS verification as the entries.
    QNetworkReply* get(const QUrl& url, int timeoutMs);

Q_SIGNALS:
    void entryDelivered();
    void deliveryFailing(const QString& error); // first failure after success
    void deliveryRecovered(int queued);
    // The queue is empty again after a failure: `sent` entries went since
    // the receiver came back.
    void deliveryCaughtUp(quint64 sent);
    void queueOverflow(quint64 droppedSoFar);

private:
    void sendNext();
    void onFinished(QNetworkReply* reply);
    void scheduleRetry();
    void checkFlushed();
    QNetworkRequest request(const QUrl& url, int timeoutMs) const;
    void onSslErrors(QNetworkReply* reply, const QList<QSslError>& errors);

    ReporterSettings m_options;
    QSslConfiguration m_tls;
    QSslCertificate m_pinned;
    QString m_tlsError; // why the last handshake's certificate was refused
    QNetworkAccessManager m_nam;
    std::deque<QByteArray> m_queue;
    QString m_run;
    qint64 m_seq = 0;
    int m_peakQueued = 0;
    qint64 m_queuedBytes = 0;
    qint64 m_peakQueuedBytes = 0;
    bool m_catchingUp = false;
    quint64 m_deliveredAtRecovery = 0;
    QPointer<QNetworkReply> m_inFlight;
    QTimer m_retry;
    int m_backoffMs = 0;
    bool m_failing = false;
    quint64 m_delivered = 0;
    quint64 m_dropped = 0;
    quint64 m_rejected = 0;
    QString m_lastError;
    struct FlushWaiter
    {
        std::function<void(bool)> done;
        QTimer* timer;
    };
    QList<FlushWaiter> m_flushWaiters;
};
