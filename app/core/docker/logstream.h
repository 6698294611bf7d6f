#pragma once

#include "core/docker/dockertypes.h"
#include "core/docker/logdecoder.h"

#include <QObject>
#include <QPointer>

#include <memory>

class DockerClient;

// One container's log, followed: inspects the container (a TTY container's
// log is raw, any other multiplexed), then streams GET /logs with the last
// `tail` lines first and new lines as they come, decoded into lines.
// stop() (or destroying it, or start() for another container) ends the
// stream at once: no callback of the old one arrives afterwards.
class ContainerLogStream : public QObject
{
    Q_OBJECT
public:
    explicit ContainerLogStream(DockerClient* client, QObject* parent = nullptr);
    ~ContainerLogStream() override;

    void start(const QString& containerId, const LogsQuery& query = {});
    void stop();
    bool isRunning() const { return m_call != 0; }
    QString containerId() const { return m_id; }

Q_SIGNALS:
    // Lines of one piece of the stream, in order.
    void linesReceived(const QList<DockerLogLine>& lines);
    // The stream ended: empty error when the container stopped (or the
    // query had no follow), else why it failed.
    void finished(const QString& error);

private:
    void open(bool tty);

    QPointer<DockerClient> m_client;
    QString m_id;
    LogsQuery m_query;
    quint64 m_call = 0;
    quint64 m_generation = 0; // a new start() outdates the callbacks of the old one
    std::unique_ptr<DockerLogDecoder> m_decoder;
};

Q_DECLARE_METATYPE(DockerLogLine)
