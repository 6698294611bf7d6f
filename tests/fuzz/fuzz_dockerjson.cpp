// Every decoder of the Docker daemon's JSON on one input: replies come from
// whatever listens on DOCKER_HOST (a tcp:// daemon, a proxy), and labels,
// names and commands in them come from whoever created the containers.
#include "core/docker/dockertypes.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    QList<ContainerSummary> list;
    DockerJson::parseContainerList(body, list, &error);
    ContainerInfo info;
    if (DockerJson::parseContainerInspect(body, info, &error)) {
        info.created();
        info.commandLine();
    }
    ImageInfo image;
    DockerJson::parseImageInspect(body, image, &error);
    VersionInfo version;
    if (DockerJson::parseVersion(body, version, &error))
        DockerJson::compareApiVersions(version.apiVersion, version.minApiVersion);
    QString id;
    QStringList warnings;
    DockerJson::parseCreateResponse(body, id, warnings, &error);
    DockerEvent event;
    if (DockerJson::parseEvent(body, event, &error))
        event.baseAction();
    PullProgress progress;
    DockerJson::parsePullLine(body, progress, &error);
    DockerJson::errorMessage(body);
    if (const auto ns = DockerJson::parseTimestampNs(QString::fromUtf8(body)))
        DockerJson::formatTimestampNs(*ns);
    return 0;
}
