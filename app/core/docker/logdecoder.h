#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// One line of a container's output.
struct DockerLogLine
{
    enum class Stream { Stdout, Stderr, System };
    Stream stream = Stream::Stdout;
    qint64 timeNs = 0; // from the timestamps option; 0 when absent
    QString text; // without the timestamp and the newline
};

// Turns the body of GET /containers/{id}/logs into lines, fed in whatever
// pieces the connection delivers (a frame header, a frame or a line may be
// split anywhere).
//
// Non-TTY containers get Docker's multiplexed stream: 8-byte headers
// [stream, 0, 0, 0, size as big-endian uint32] each followed by `size`
// bytes of that stream. TTY containers get the raw bytes. Lines are split on
// '\n' per stream (a stdout line broken across frames by a stderr frame is
// put back together); a line longer than maxLineBytes is cut there. With
// timestamps, each line's leading RFC 3339 time is taken off into timeNs.
//
// Pure: no I/O, no Qt event loop; unit-tested on fixtures.
class DockerLogDecoder
{
public:
    static constexpr qsizetype maxLineBytes = 16 * 1024;
    // A header announcing more than this is not Docker talking.
    static constexpr quint32 maxFrameBytes = 64 * 1024 * 1024;

    DockerLogDecoder(bool multiplexed, bool timestamps);

    // The lines completed by these bytes.
    QList<DockerLogLine> feed(QByteArrayView bytes);
    // The stream ended: what is left as last lines (a final line without
    // its newline).
    QList<DockerLogLine> finish();

    // A malformed frame header was met; the rest is read as raw bytes so
    // nothing the container said is lost.
    bool sawBadFrame() const { return m_badFrame; }

private:
    void takeBytes(DockerLogLine::Stream stream, QByteArrayView bytes, QList<DockerLogLine>& out);
    void emitLine(DockerLogLine::Stream stream, QByteArray line, QList<DockerLogLine>& out) const;

    bool m_multiplexed;
    bool m_timestamps;
    bool m_badFrame = false;
    QByteArray m_header; // an incomplete frame header
    quint32 m_frameLeft = 0; // payload bytes of the current frame still to come
    DockerLogLine::Stream m_frameStream = DockerLogLine::Stream::Stdout;
    QByteArray m_partial[3]; // per stream: bytes after the last newline
};
