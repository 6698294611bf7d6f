#include "containerid.h"

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
}

QString containerIdFromCgroupPath(QStringView path)
{
    static const QLatin1String prefixes[] = {
        QLatin1String("docker-"),
        QLatin1String("libpod-"),
        QLatin1String("cri-containerd-"),
        QLatin1String("crio-"),
    };
    QString found;
    const auto parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QStringView parent;
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
        // A bare 64-hex component counts only under a runtime's directory
        // ("docker", "libpod_parent", "crio", ...) or with a runtime prefix.
        if (isHex64(candidate) && (candidate.size() != part.size() || parent == QLatin1String("docker")
                                   || parent.startsWith(QLatin1String("libpod"))
                                   || parent == QLatin1String("crio") || parent.startsWith(QLatin1String("kubepods"))))
            found = candidate.toString();
        parent = part;
    }
    return found;
}
