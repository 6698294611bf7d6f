#include "core/receiver/httpframer.h"

#include <QList>

#include <algorithm>

namespace {
bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (const char ch : s) {
        if (ch <= ' ' || ch >= 127 || ch == ':' || ch == '"' || ch == '(' || ch == ')' || ch == ',')
            return false;
    }
    return true;
}

// What QHttpServer 6.4 skips before a request line.
bool isLeadingBlank(char c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\v';
}
} // namespace

HttpFramer::HttpFramer(FramerLimits limits)
    : m_limits(limits)
{ }

void HttpFramer::error(std::vector<FramerEvent>& events, int status, const char* reason, const QString& message)
{
    m_state = State::Failed;
    m_head.clear();
    FramerEvent e;
    e.kind = FramerEvent::Kind::Error;
    e.offset = m_fed;
    e.status = status;
    e.reason = reason;
    e.message = message;
    events.push_back(std::move(e));
}

void HttpFramer::feed(QByteArrayView data, std::vector<FramerEvent>& events)
{
    qsizetype i = 0;
    const qsizetype size = data.size();
    while (i < size && m_state != State::Failed) {
        if (m_state == State::Body) {
            const qint64 take = std::min<qint64>(m_remaining, size - i);
            m_remaining -= take;
            i += qsizetype(take);
            m_fed += take;
            if (m_remaining == 0) {
                m_state = State::Start;
                FramerEvent done;
                done.kind = FramerEvent::Kind::Complete;
                done.offset = m_fed;
                events.push_back(std::move(done));
            }
            continue;
        }
        const char c = data[i];
        ++i;
        ++m_fed;
        if (m_state == State::Start) {
            if (isLeadingBlank(c))
                continue;
            m_state = State::Head;
            m_head.clear();
        }
        m_head.append(c);
        if (m_head.size() > m_limits.maxHeaderBytes) {
            error(events, 431, "header",
                  QStringLiteral("request headers over the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
            return;
        }
        if (c != '\n')
            continue;
        // QHttpServer ends the head at the first empty line after the
        // request line, whether lines end in CRLF or a bare LF.
        const qsizetype lineEnd = m_head.indexOf('\n');
        if (lineEnd == m_head.size() - 1)
            continue; // that was the request line
        const QByteArrayView fields = QByteArrayView(m_head).sliced(lineEnd + 1);
        const bool headDone
            = fields.endsWith("\n\r\n") || fields.endsWith("\n\n") || fields == "\r\n" || fields == "\n";
        if (!headDone)
            continue;
        FramerEvent head;
        head.kind = FramerEvent::Kind::Head;
        head.offset = m_fed;
        FramerEvent bad;
        if (!parseHead(head.head, bad)) {
            error(events, bad.status, bad.reason, bad.message);
            return;
        }
        m_remaining = head.head.contentLength;
        events.push_back(std::move(head));
        m_head.clear();
        if (m_remaining > 0) {
            m_state = State::Body;
        } else {
            m_state = State::Start;
            FramerEvent done;
            done.kind = FramerEvent::Kind::Complete;
            done.offset = m_fed;
            events.push_back(std::move(done));
        }
    }
}

bool HttpFramer::parseHead(FramedHead& head, FramerEvent& error) const
{
    const auto refuse = [&error](int status, const char* reason, const QString& message) {
        error.status = status;
        error.reason = reason;
        error.message = message;
        return false;
    };
    QList<QByteArray> lines = m_head.split('\n');
    // The head ends with an empty line (and split leaves one more empty
    // piece after the last LF).
    while (!lines.isEmpty() && (lines.last().isEmpty() || lines.last() == "\r"))
        lines.removeLast();
    if (lines.isEmpty())
        return refuse(400, "bad-request", QStringLiteral("malformed request line"));
    for (QByteArray& l : lines) {
        if (l.endsWith('\r'))
            l.chop(1);
    }
    const QList<QByteArray> parts = lines.first().split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty())
        return refuse(400, "bad-request", QStringLiteral("malformed request line"));
    static const QList<QByteArray> methods = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH" };
    if (!methods.contains(parts[0]))
        return refuse(
            501, "method",
            QStringLiteral("method %1 is not supported").arg(QString::fromLatin1(parts[0].left(16)).toHtmlEscaped()));
    if (!parts[1].startsWith('/') && !parts[1].startsWith("http://"))
        return refuse(400, "bad-request", QStringLiteral("malformed request target"));
    const QByteArray& version = parts[2];
    head.http10 = version == "HTTP/1.0";
    if (!head.http10 && version != "HTTP/1.1") {
        if (version.startsWith("HTTP/"))
            return refuse(505, "version", QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
        return refuse(400, "bad-request", QStringLiteral("malformed request line"));
    }
    head.method = parts[0];
    head.target = parts[1];
    qint64 length = -1;
    bool close = false;
    bool keepAlive = false;
    bool hostSeen = false;
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArray& line = lines[n];
        const qsizetype colon = line.indexOf(':');
        if (line.startsWith(' ') || line.startsWith('\t') || colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return refuse(400, "bad-request", QStringLiteral("malformed header line"));
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = value.size() <= 18 && !value.isEmpty();
            for (const char ch : value)
                ok = ok && ch >= '0' && ch <= '9';
            const qint64 v = ok ? value.toLongLong(&ok) : -1;
            if (!ok || (length >= 0 && v != length))
                return refuse(400, "bad-request", QStringLiteral("invalid Content-Length"));
            length = v;
        } else if (name == "transfer-encoding") {
            return refuse(411, "length",
                          QStringLiteral("request bodies must have a Content-Length (Transfer-Encoding is not "
                                         "accepted)"));
        } else if (name == "expect") {
            if (value.toLower() != "100-continue")
                return refuse(417, "bad-request", QStringLiteral("only 'Expect: 100-continue' is understood"));
            head.expectContinue = true;
        } else if (name == "connection") {
            for (const QByteArray& token : value.toLower().split(',')) {
                close = close || token.trimmed() == "close";
                keepAlive = keepAlive || token.trimmed() == "keep-alive";
            }
        } else if (name == "host") {
            // Two Host fields would let the guard check one while the
            // server routes by the other.
            if (hostSeen)
                return refuse(400, "bad-request", QStringLiteral("more than one Host header"));
            hostSeen = true;
            head.host = value;
        }
    }
    if (!hostSeen && !head.http10)
        return refuse(400, "bad-request", QStringLiteral("HTTP/1.1 requests need a Host header"));
    if (length > m_limits.maxBodyBytes)
        return refuse(413, "oversize",
                      QStringLiteral("request body of %1 bytes is over the limit of %2 bytes")
                          .arg(length)
                          .arg(m_limits.maxBodyBytes));
    head.close = close || (head.http10 && !keepAlive);
    head.contentLength = std::max<qint64>(length, 0);
    head.headBytes = m_head.size();
    return true;
}
