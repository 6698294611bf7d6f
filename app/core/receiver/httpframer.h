#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

// What one request's head said, as far as framing and the guard care.
struct FramedHead
{
    QByteArray method;
    QByteArray target;
    QByteArray host; // the Host header, trimmed (empty: none)
    bool http10 = false;
    bool close = false; // "Connection: close", or HTTP/1.0 without keep-alive
    bool expectContinue = false;
    qint64 contentLength = 0;
    qint64 headBytes = 0; // request line and headers, leading blank lines included
};

// One thing the framer found in the bytes it was fed, in stream order.
struct FramerEvent
{
    enum class Kind {
        Head, // a request's head is complete (head is filled)
        Complete, // the request (head and body) ends at `offset`
        Error, // the stream is unusable from here: answer `status`, close
    };
    Kind kind = Kind::Head;
    qint64 offset = 0; // bytes of the stream fed so far when it happened
    FramedHead head;
    int status = 0;
    const char* reason = ""; // short machine name: header, length, ...
    QString message;
};

struct FramerLimits
{
    int maxHeaderBytes = 32 * 1024;
    qint64 maxBodyBytes = 1024 * 1024;
};

// Splits a byte stream into HTTP/1.x requests exactly as QHttpServer 6.4
// reads them, so the guard in front of it knows where each request ends:
// blank lines (CR, LF, space, tab, VT) before a request line are skipped;
// a line ends at LF with an optional CR before it; the head ends at the
// first empty line (CRLF or bare LF: both are accepted, as QHttpServer
// accepts both); the body is Content-Length bytes. What QHttpServer would
// frame differently or not at all is refused with a status instead
// (Transfer-Encoding, conflicting or malformed Content-Length, a body over
// the limit, a head over the limit, a malformed request line or header).
// Pure: no sockets, no Qt event loop, never throws; the fuzz target and the
// unit tests feed it bytes directly.
class HttpFramer
{
public:
    explicit HttpFramer(FramerLimits limits = {});

    // Consumes all of `data` (after an Error, nothing more: returns at once).
    // Appends what it found to `events`.
    void feed(QByteArrayView data, std::vector<FramerEvent>& events);

    bool failed() const { return m_state == State::Failed; }
    // Between requests: no byte of a next request seen yet.
    bool idle() const { return m_state == State::Start; }
    qint64 fed() const { return m_fed; }

private:
    enum class State { Start, Head, Body, Failed };
    bool parseHead(FramedHead& head, FramerEvent& error) const;
    void error(std::vector<FramerEvent>& events, int status, const char* reason, const QString& message);

    FramerLimits m_limits;
    State m_state = State::Start;
    QByteArray m_head;
    qint64 m_remaining = 0;
    qint64 m_fed = 0;
};
