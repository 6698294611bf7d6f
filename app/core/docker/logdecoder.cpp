#include "core/docker/logdecoder.h"

#include "core/docker/dockertypes.h"

DockerLogDecoder::DockerLogDecoder(bool multiplexed, bool timestamps)
    : m_multiplexed(multiplexed)
    , m_timestamps(timestamps)
{ }

QList<DockerLogLine> DockerLogDecoder::feed(QByteArrayView bytes)
{
    QList<DockerLogLine> out;
    while (!bytes.isEmpty()) {
        if (!m_multiplexed) {
            takeBytes(DockerLogLine::Stream::Stdout, bytes, out);
            break;
        }
        if (m_frameLeft > 0) {
            const qsizetype n = std::min<qsizetype>(bytes.size(), qsizetype(m_frameLeft));
            takeBytes(m_frameStream, bytes.first(n), out);
            bytes = bytes.sliced(n);
            m_frameLeft -= quint32(n);
            continue;
        }
        const qsizetype need = 8 - m_header.size();
        const qsizetype n = std::min(need, bytes.size());
        m_header.append(bytes.first(n));
        bytes = bytes.sliced(n);
        if (m_header.size() < 8)
            break;
        const auto h = reinterpret_cast<const unsigned char*>(m_header.constData());
        const quint32 size = (quint32(h[4]) << 24) | (quint32(h[5]) << 16) | (quint32(h[6]) << 8) | quint32(h[7]);
        if (h[0] > 3 || h[1] != 0 || h[2] != 0 || h[3] != 0 || size > maxFrameBytes) {
            // Not a frame header: keep what came as raw output instead of
            // dropping it (a TTY container the caller took for a plain one).
            m_badFrame = true;
            m_multiplexed = false;
            const QByteArray header = std::exchange(m_header, {});
            takeBytes(DockerLogLine::Stream::Stdout, header, out);
            continue;
        }
        m_frameStream = h[0] == 2 ? DockerLogLine::Stream::Stderr
            : h[0] == 3           ? DockerLogLine::Stream::System
                                  : DockerLogLine::Stream::Stdout;
        m_frameLeft = size;
        m_header.clear();
    }
    return out;
}

QList<DockerLogLine> DockerLogDecoder::finish()
{
    QList<DockerLogLine> out;
    for (int s = 0; s < 3; ++s) {
        if (!m_partial[s].isEmpty())
            emitLine(DockerLogLine::Stream(s), std::exchange(m_partial[s], {}), out);
    }
    m_header.clear();
    m_frameLeft = 0;
    return out;
}

void DockerLogDecoder::takeBytes(DockerLogLine::Stream stream, QByteArrayView bytes, QList<DockerLogLine>& out)
{
    QByteArray& partial = m_partial[int(stream)];
    while (!bytes.isEmpty()) {
        const qsizetype nl = bytes.indexOf('\n');
        if (nl < 0) {
            partial.append(bytes);
            // A line without end (a progress bar, binary output) must not
            // grow without bound.
            while (partial.size() >= maxLineBytes) {
                emitLine(stream, partial.left(maxLineBytes), out);
                partial.remove(0, maxLineBytes);
            }
            return;
        }
        partial.append(bytes.first(nl));
        bytes = bytes.sliced(nl + 1);
        if (partial.size() > maxLineBytes)
            partial.truncate(maxLineBytes);
        emitLine(stream, std::exchange(partial, {}), out);
    }
}

void DockerLogDecoder::emitLine(DockerLogLine::Stream stream, QByteArray line, QList<DockerLogLine>& out) const
{
    if (line.endsWith('\r'))
        line.chop(1);
    DockerLogLine l;
    l.stream = stream;
    if (m_timestamps) {
        const qsizetype space = line.indexOf(' ');
        const QByteArray first = space < 0 ? line : line.left(space);
        if (const auto ns = DockerJson::parseTimestampNs(QString::fromLatin1(first))) {
            l.timeNs = *ns;
            line = space < 0 ? QByteArray() : line.mid(space + 1);
        }
    }
    l.text = QString::fromUtf8(line);
    out.append(std::move(l));
}
