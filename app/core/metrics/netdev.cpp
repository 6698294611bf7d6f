#include "core/metrics/netdev.h"

#include <QList>

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

namespace NetDev {

std::optional<NetCounters> parse(const QByteArray& text, bool includeLoopback, QString* error)
{
    const QList<QByteArray> lines = text.split('\n');
    // Two header lines ("Inter-|   Receive ..." and " face |bytes ..."): the
    // kernel has printed them unchanged since 2.6, so their absence means the
    // text is not net/dev at all.
    if (lines.size() < 2 || !lines.at(0).contains('|') || !lines.at(1).contains('|')) {
        fail(error, QStringLiteral("net/dev: missing header"));
        return std::nullopt;
    }
    NetCounters sum;
    for (qsizetype i = 2; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        // "%6s:%8lu ...": a long name or a large counter leaves no blank
        // after the colon, so split on it rather than on white space.
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(error, QStringLiteral("net/dev line %1: no interface name").arg(i + 1));
            return std::nullopt;
        }
        const QByteArray name = line.left(colon).trimmed();
        const QList<QByteArray> fields = line.mid(colon + 1).simplified().split(' ');
        if (fields.size() != 16) {
            fail(error, QStringLiteral("net/dev line %1: %2 fields, expected 16").arg(i + 1).arg(fields.size()));
            return std::nullopt;
        }
        quint64 values[16];
        for (int f = 0; f < 16; ++f) {
            bool ok = false;
            values[f] = fields.at(f).toULongLong(&ok);
            if (!ok) {
                fail(error, QStringLiteral("net/dev line %1: field %2 is not a counter").arg(i + 1).arg(f + 1));
                return std::nullopt;
            }
        }
        if (name.isEmpty()) {
            fail(error, QStringLiteral("net/dev line %1: empty interface name").arg(i + 1));
            return std::nullopt;
        }
        if (!includeLoopback && name == "lo")
            continue;
        // Receive: bytes packets errs drop fifo frame compressed multicast;
        // transmit: bytes packets errs drop fifo colls carrier compressed.
        sum.rxBytes += values[0];
        sum.rxPackets += values[1];
        sum.txBytes += values[8];
        sum.txPackets += values[9];
        ++sum.interfaces;
    }
    return sum;
}

} // namespace NetDev
