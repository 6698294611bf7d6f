// The crontab as Stevedore reads it back from `crontab -l`: any bytes the
// user (or another tool) put there. Removing our line must never touch
// another byte, and a schedule or value from the command line must never
// make a line that smuggles a second command in.
#include "core/manager/crontab.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray crontab = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    const QString tag = QStringLiteral("1234-5678");
    int removed = 0;
    const QByteArray rest = Crontab::removeTagged(crontab, tag, &removed);
    // Only whole tagged lines go: what is left is never longer, and
    // removing again finds nothing.
    if (rest.size() > crontab.size() || Crontab::countTagged(rest, tag) != 0)
        std::abort();
    if (removed == 0 && rest != crontab)
        std::abort();
    const QByteArray added
        = Crontab::addLine(crontab, QByteArrayLiteral("* * * * * true # stevedore-cron-spawn:1234-5678"));
    if (Crontab::countTagged(added, tag) != removed + 1)
        std::abort();

    // Every tag found is one removeTagged() removes, and sweeping orphans
    // (here: every tag) leaves no tagged line behind.
    for (const QString& t : Crontab::tags(crontab)) {
        if (Crontab::countTagged(crontab, t) < 1)
            std::abort();
        // An owner tag reads back exactly as written (no two spellings of
        // one owner).
        if (const auto owner = Crontab::ownerFromTag(t)) {
            if (Crontab::ownerTag(*owner, t.section(QLatin1Char('.'), 3).toUInt(nullptr, 16)) != t)
                std::abort();
        }
    }
    const QByteArray swept = Crontab::removeOrphans(crontab, [](const QString&) { return true; });
    if (!Crontab::tags(swept).isEmpty())
        std::abort();

    // The input as a schedule and as an environment value: a line that is
    // made must be one line.
    const QString text = QString::fromUtf8(crontab);
    Crontab::isValidSchedule(text);
    QString error;
    const auto line = Crontab::spawnLine(text, QStringLiteral("/s/spawn.sh"), QStringLiteral("/l/log"),
                                         { { QStringLiteral("STEVEDORE_IMAGE"), text } }, tag, &error);
    if (line && (line->contains('\n') || line->contains('\r')))
        std::abort();
    return 0;
}
