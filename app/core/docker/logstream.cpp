#include "core/docker/logstream.h"

#include "core/docker/dockerclient.h"

ContainerLogStream::ContainerLogStream(DockerClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    qRegisterMetaType<DockerLogLine>();
    qRegisterMetaType<QList<DockerLogLine>>();
}

ContainerLogStream::~ContainerLogStream()
{
    stop();
}

void ContainerLogStream::stop()
{
    ++m_generation;
    if (m_call && m_client)
        m_client->cancel(m_call);
    m_call = 0;
    m_decoder.reset();
}

void ContainerLogStream::start(const QString& containerId, const LogsQuery& query)
{
    stop();
    m_id = containerId;
    m_query = query;
    if (!m_client || containerId.isEmpty()) {
        Q_EMIT finished(tr("no Docker client"));
        return;
    }
    const quint64 generation = m_generation;
    m_call = m_client->inspectContainer(
        containerId,
        [this, generation](const DockerResult<ContainerInfo>& r) {
            if (generation != m_generation)
                return;
            m_call = 0;
            if (!r.ok()) {
                Q_EMIT finished(r.error.message);
                return;
            }
            open(r.value.tty);
        },
        this);
}

void ContainerLogStream::open(bool tty)
{
    m_decoder = std::make_unique<DockerLogDecoder>(!tty, m_query.timestamps);
    const quint64 generation = m_generation;
    m_call = m_client->containerLogs(
        m_id, m_query,
        [this, generation](const QByteArray& chunk) {
            if (generation != m_generation || !m_decoder)
                return;
            const QList<DockerLogLine> lines = m_decoder->feed(chunk);
            if (!lines.isEmpty())
                Q_EMIT linesReceived(lines);
        },
        [this, generation](const DockerResult<DockerNothing>& r) {
            if (generation != m_generation)
                return;
            m_call = 0;
            if (m_decoder) {
                const QList<DockerLogLine> rest = m_decoder->finish();
                m_decoder.reset();
                if (!rest.isEmpty())
                    Q_EMIT linesReceived(rest);
            }
            Q_EMIT finished(r.ok() ? QString() : r.error.message);
        },
        this);
}
