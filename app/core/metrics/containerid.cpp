#include "core/metrics/containerid.h"

#include <QStringList>

namespace {
bool isHex64(QStringView s)
{
    if (s.size() != 64)
        return false;
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f')))
            return false;
    }
    return true;
}
} // namespace

QString containerIdFromCgroupPath(QStringView path)
{
    static const QLatin1String prefixes[] = {
        QLatin1String("docker-"), QLatin1String("libpod-"),  QLatin1String("cri-containerd-"),
        QLatin1String("crio-"),   QLatin1String("nerdctl-"),
    };
    QString found;
    const auto parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QStringView part : parts) {
        QStringView candidate = part;
        if (candidate.endsWith(QLatin1String(".scope")))
            candidate.chop(6);
        for (const auto& prefix : prefixes) {
            if (candidate.startsWith(prefix)) {
                candidate = candidate.mid(prefix.size());
                break;
            }
        }
        // Bare ("/docker/<id>", "/default/<id>", "/kubepods/besteffort/pod<uid>/<id>",
        // "/<cgroup-parent>/<id>") or with a known runtime prefix.
        if (isHex64(candidate))
            found = candidate.toString();
    }
    return found;
}
