#include "core/reporter/reporter.h"

#include "core/model/logentry.h"
#include "core/model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>
#include <QUuid>

Q_LOGGING_CATEGORY(lcReporter, "stevedore.reporter")

QUrl embeddedReceiverUrl(const QString& listenHost, quint16 listenPort)
{
    QString host = listenHost;
    const QHostAddress address(host);
    if (address == QHostAddress::AnyIPv4 || host == QLatin1String("0.0.0.0"))
        host = QStringLiteral("127.0.0.1");
    else if (address == QHostAddress::AnyIPv6 || address == QHostAddress::Any)
        host = QStringLiteral("::1");
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(host);
    url.setPort(listenPort);
    url.setPath(QStringLiteral("/logs"));
    return url;
}

bool isLoopbackUrl(const QUrl& url)
{
    const QString host = url.host();
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

QUrl receiverLogsUrl(const QUrl& url)
{
    // "http://host:5000", as one names a server, means the receiver's base:
    // entries go to /logs beside the other routes (the original's log
    // service answered 405 to POST /).
    QUrl logs = url;
    if (logs.path().isEmpty() || logs.path() == QLatin1String("/"))
        logs.setPath(QStringLiteral("/logs"));
    return logs;
}

Reporter::Reporter(ReporterSettings options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_run(QUuid::createUuid().toString(QUuid::Id128))
{
    m_options.url = receiverLogsUrl(m_options.url);
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!m_options.caFile.isEmpty()) {
        // Like curl --cacert: the bundle replaces the system's CAs.
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
        m_tls.setCaCertificates(cas);
        if (cas.isEmpty())
            qCWarning(lcReporter).noquote()
                << "no CA certificate in" << m_options.caFile << "- no https receiver can be verified";
    }
    if (!m_options.pinnedCertFile.isEmpty())
        m_pinned = QSslCertificate::fromPath(m_options.pinnedCertFile, QSsl::Pem).value(0);
    connect(&m_nam, &QNetworkAccessManager::sslErrors, this, &Reporter::onSslErrors);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Reporter::sendNext);
}

Reporter::~Reporter()
{
    if (m_inFlight)
        m_inFlight->abort();
}

void Reporter::report(const Snapshot& snapshot)
{
    // Numbered when made, not when sent: an entry dropped at the queue bound
    // leaves a gap the receiver can see, and a resend keeps its number.
    EntryId id;
    id.hostId = entryIdText(snapshot.host.id);
    id.run = m_run;
    id.seq = ++m_seq;
    enqueue(reportEntryBytes(snapshot, id));
}

void Reporter::enqueue(const QByteArray& body)
{
    if (int(m_queue.size()) >= m_options.maxQueue) {
        // Drop the oldest that is not on the wire: the newest entries are
        // the ones worth having when the receiver comes back.
        const auto victim = m_queue.begin() + (m_inFlight && m_queue.size() > 1 ? 1 : 0);
        m_queuedBytes -= victim->size();
        m_queue.erase(victim);
        ++m_dropped;
        if (m_dropped == 1 || m_dropped % 1000 == 0)
            qCWarning(lcReporter).noquote()
                << QStringLiteral("report queue full (%1 entries, receiver %2 unreachable): "
                                  "dropped the oldest, %3 so far")
                       .arg(m_options.maxQueue)
                       .arg(m_options.url.toString())
                       .arg(m_dropped);
        Q_EMIT queueOverflow(m_dropped);
    }
    m_queue.push_back(body);
    m_queuedBytes += body.size();
    m_peakQueued = std::max(m_peakQueued, int(m_queue.size()));
    m_peakQueuedBytes = std::max(m_peakQueuedBytes, m_queuedBytes);
    if (!m_inFlight && !m_retry.isActive())
        sendNext();
}

void Reporter::sendNext()
{
    if (m_inFlight || m_queue.empty())
        return;
    if (!m_options.url.isValid() || m_options.url.isEmpty()) {
        m_lastError = QStringLiteral("no receiver URL");
        return;
    }
    QNetworkRequest post = request(m_options.url, m_options.requestTimeoutMs);
    post.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    m_tlsError.clear();
    QNetworkReply* reply = m_nam.post(post, m_queue.front());
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void Reporter::onFinished(QNetworkReply* reply)
{
    reply->deleteLater();
    m_inFlight = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool retryable
        = status == 0 || status >= 500 || status == 401 || status == 403 || status == 408 || status == 429;
    if (status >= 200 && status < 300) {
        m_queuedBytes -= m_queue.front().size();
        m_queue.pop_front();
        ++m_delivered;
        m_backoffMs = 0;
        if (m_failing) {
            m_failing = false;
            m_catchingUp = true;
            m_deliveredAtRecovery = m_delivered - 1;
            qCInfo(lcReporter).noquote() << "receiver" << m_options.url.toString() << "reachable again;"
                                         << m_queue.size() << "queued entries to send";
            Q_EMIT deliveryRecovered(int(m_queue.size()));
        }
        Q_EMIT entryDelivered();
        if (m_catchingUp && m_queue.empty()) {
            m_catchingUp = false;
            Q_EMIT deliveryCaughtUp(m_delivered - m_deliveredAtRecovery);
        }
        checkFlushed();
        sendNext();
        return;
    }
    const QByteArray body = reply->readAll().left(300);
    if (!retryable) {
        // The receiver says this entry is wrong (400, 413, 415, ...): it
        // never will be right. Log it and go on with the next.
        m_queuedBytes -= m_queue.front().size();
        m_queue.pop_front();
        ++m_rejected;
        m_lastError = QStringLiteral("receiver refused an entry with %1: %2").arg(status).arg(QString::fromUtf8(body));
        qCWarning(lcReporter).noquote() << m_lastError;
        checkFlushed();
        sendNext();
        return;
    }
    m_lastError = status ? QStringLiteral("receiver answered %1: %2").arg(status).arg(QString::fromUtf8(body).trimmed())
        : m_tlsError.isEmpty() ? reply->errorString()
                               : m_tlsError;
    if (!m_failing) {
        m_failing = true;
        qCWarning(lcReporter).noquote() << "cannot report to" << m_options.url.toString() << ":" << m_lastError
                                        << "- keeping entries (up to" << m_options.maxQueue << ") and retrying";
        Q_EMIT deliveryFailing(m_lastError);
    }
    scheduleRetry();
}

void Reporter::scheduleRetry()
{
    m_backoffMs = m_backoffMs == 0 ? m_options.minBackoffMs : std::min(m_backoffMs * 2, m_options.maxBackoffMs);
    // Someone is waiting on a flush: do not sleep through their deadline.
    m_retry.start(m_flushWaiters.isEmpty() ? m_backoffMs : std::min(m_backoffMs, 200));
}

void Reporter::checkFlushed()
{
    if (!m_queue.empty())
        return;
    const auto waiters = std::move(m_flushWaiters);
    m_flushWaiters.clear();
    for (const auto& w : waiters) {
        w.timer->stop();
        w.timer->deleteLater();
        if (w.done)
            w.done(true);
    }
}

void Reporter::flush(int deadlineMs, std::function<void(bool)> done)
{
    if (m_queue.empty()) {
        if (done)
            done(true);
        return;
    }
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    m_flushWaiters.append({ std::move(done), timer });
    connect(timer, &QTimer::timeout, this, [this, timer] {
        for (qsizetype i = 0; i < m_flushWaiters.size(); ++i) {
            if (m_flushWaiters[i].timer == timer) {
                auto cb = std::move(m_flushWaiters[i].done);
                m_flushWaiters.removeAt(i);
                timer->deleteLater();
                if (cb)
                    cb(false);
                return;
            }
        }
    });
    timer->start(deadlineMs);
    if (m_retry.isActive()) {
        m_retry.stop();
        sendNext();
    }
}

bool Reporter::flushBlocking(int deadlineMs)
{
    QEventLoop loop;
    bool result = false;
    bool finished = false;
    flush(deadlineMs, [&](bool ok) {
        result = ok;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

QNetworkRequest Reporter::request(const QUrl& url, int timeoutMs) const
{
    QNetworkRequest request(url);
    if (!m_options.token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + m_options.token.toUtf8());
    request.setTransferTimeout(timeoutMs);
    if (url.scheme() == QLatin1String("https")) {
        request.setSslConfiguration(m_tls);
        // The receiver speaks HTTP/1.1; no ALPN round for HTTP/2.
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    }
    return request;
}

QNetworkReply* Reporter::get(const QUrl& url, int timeoutMs)
{
    return m_nam.get(request(url, timeoutMs));
}

void Reporter::onSslErrors(QNetworkReply* reply, const QList<QSslError>& errors)
{
    // The embedded receiver on loopback: its own certificate, compared
    // whole, is trusted whatever it names and whoever signed it.
    const QSslCertificate peer = reply->sslConfiguration().peerCertificate();
    if (!m_pinned.isNull() && peer == m_pinned && isLoopbackUrl(reply->url())) {
        reply->ignoreSslErrors(errors);
        return;
    }
    // Otherwise nothing is ignored: the handshake fails and the reply says
    // why; keep the certificate's own words for the log.
    QStringList why;
    for (const QSslError& e : errors)
        why.append(e.errorString());
    m_tlsError = QStringLiteral("TLS: the certificate of %1 is not accepted (%2)")
                     .arg(reply->url().authority(), why.join(QStringLiteral("; ")));
}

QUrl Reporter::generateGraphsUrl() const
{
    QUrl url = m_options.url;
    QString path = url.path();
    if (path.endsWith(QLatin1String("/logs")))
        path.chop(5);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/generate_graphs"));
    url.setQuery(QString());
    return url;
}

void Reporter::shutdown(const Snapshot* finalSnapshot, int flushDeadlineMs, int chartsTimeoutMs,
                        std::function<void(const QStringList&, const QString&)> done)
{
    if (finalSnapshot)
        report(*finalSnapshot);
    QPointer<Reporter> self = this;
    flush(flushDeadlineMs, [self, chartsTimeoutMs, done](bool delivered) {
        if (!self)
            return;
        const QString flushNote = delivered
            ? QString()
            : QStringLiteral("%1 entries not delivered (%2); ").arg(self->queued()).arg(self->m_lastError);
        QNetworkReply* reply = self->get(self->generateGraphsUrl(), chartsTimeoutMs);
        QObject::connect(reply, &QNetworkReply::finished, self, [reply, done, flushNote] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            QStringList files;
            QString error;
            const auto doc = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
            if (status == 200 && doc.is_object() && doc.contains("files") && doc["files"].is_array()) {
                for (const auto& f : doc["files"])
                    if (f.is_string())
                        files.append(QString::fromStdString(f.get<std::string>()));
            } else if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
                error = QStringLiteral("charts: %1 %2")
                            .arg(status)
                            .arg(QString::fromStdString(doc["error"].get<std::string>()));
            } else {
                error = QStringLiteral("charts: %1").arg(status ? QString::number(status) : reply->errorString());
            }
            if (done)
                done(files, flushNote.isEmpty() && error.isEmpty() ? QString() : flushNote + error);
        });
    });
}

QStringList Reporter::shutdownBlocking(const Snapshot* finalSnapshot, int flushDeadlineMs, int chartsTimeoutMs,
                                       QString* error)
{
    QEventLoop loop;
    QStringList result;
    bool finished = false;
    shutdown(finalSnapshot, flushDeadlineMs, chartsTimeoutMs, [&](const QStringList& files, const QString& err) {
        result = files;
        if (error)
            *error = err;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}
