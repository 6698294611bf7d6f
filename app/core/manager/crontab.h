#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

// The process that installed a crontab line, as the tag records it: its pid,
// its start time (clock ticks since boot, field 22 of /proc/PID/stat) and the
// boot it ran in (/proc/sys/kernel/random/boot_id). A pid alone is reused;
// the three together name one process for ever.
struct CronOwner
{
    qint64 pid = 0;
    quint64 startTicks = 0;
    QString bootId; // 8-4-4-4-12 lower-case hex

    bool operator==(const CronOwner& o) const
    {
        return pid == o.pid && startTicks == o.startTicks && bootId == o.bootId;
    }
};

// This process, read from procRoot; nullopt when /proc cannot say.
std::optional<CronOwner> currentCronOwner(const QString& procRoot = QStringLiteral("/proc"));
// Field 22 of procRoot/PID/stat, nullopt when there is no such process.
std::optional<quint64> processStartTicks(qint64 pid, const QString& procRoot = QStringLiteral("/proc"));

// Editing a crontab without disturbing it. Stevedore owns exactly one line,
// recognised by a trailing marker comment with a tag unique to the running
// instance, and made inert by a guard that checks the owner still runs:
//
//   * * * * * [ "$(sed 's/.*) //' /proc/PID/stat 2>/dev/null | cut -d' ' -f20)" = START ] &&
//   [ "$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)" = BOOT ] &&
//   '/usr/share/stevedore/scripts/spawn_containers.sh' >>'/x/cron-spawn.log' 2>&1 #
//   stevedore-cron-spawn:PID.START.BOOT.RANDOM
//
// (one line). Every other byte of the crontab is left as it was: comments,
// blank lines, CRLF endings, environment lines, other tools' lines. cron runs
// the whole line with /bin/sh, for which the marker is just a comment. A
// Stevedore killed before it could remove its line (kill -9, a crash, power
// loss) leaves a line that does nothing, and the next --cron-spawn removes it.
namespace Crontab {
QByteArray markerPrefix(); // "# stevedore-cron-spawn:"
QByteArray marker(const QString& tag);
// A fresh tag naming this process (ownerTag() of currentCronOwner() plus a
// random part, so two guards of one process differ); pid + random when /proc
// cannot name the process.
QString newTag();
// "PID.START.BOOT.RANDOM" for `owner`.
QString ownerTag(const CronOwner& owner, quint32 random);
// The owner a tag names; nullopt for tags of other forms (older Stevedores
// used PID-RANDOM, and anything else may follow the marker).
std::optional<CronOwner> ownerFromTag(const QString& tag);
// The tags of every line that ends with our marker, in order, each once.
QStringList tags(const QByteArray& crontab);
// Whether the process a tag names is gone. Owner tags: another boot, no such
// pid, or a pid now used by a later process. Older PID-RANDOM tags: no such
// pid (a reused pid keeps the line: it cannot be told apart). Any other tag:
// never gone (not ours to judge).
bool ownerGone(const QString& tag, const QString& procRoot = QStringLiteral("/proc"));
// Removes the lines of every tag for which `gone` says true; `removedTags`
// gets those tags.
QByteArray removeOrphans(const QByteArray& crontab, const std::function<bool(const QString& tag)>& gone,
                         QStringList* removedTags = nullptr);

// Five fields or an @keyword (@reboot, @hourly, ...).
bool isValidSchedule(const QString& schedule);
// Single-quoted for /bin/sh, with '%' escaped for cron (where it means newline).
QString shellQuote(const QString& text);

// The line to install (without newline). env: NAME=value pairs set for the
// script (DOCKER_HOST, STEVEDORE_IMAGE). When the tag names an owner
// (ownerFromTag()), the command first checks that the owner still runs and
// does nothing otherwise. Returns nullopt with `error` for a bad schedule, a
// relative script path, a tag with odd characters, or a value or path with a
// line break (\n or \r: cron would end the line there).
std::optional<QByteArray> spawnLine(const QString& schedule, const QString& scriptPath, const QString& logPath,
                                    const QList<QPair<QString, QString>>& env, const QString& tag, QString* error);

// Appends `line` (adding a newline before it when the crontab does not end
// with one: cron requires it, and crontab(1) refuses a file without it).
QByteArray addLine(const QByteArray& crontab, const QByteArray& line);
// Removes exactly the lines carrying the marker for `tag` (with their line
// ending), nothing else.
QByteArray removeTagged(const QByteArray& crontab, const QString& tag, int* removed = nullptr);
int countTagged(const QByteArray& crontab, const QString& tag);
} // namespace Crontab

// The real crontab(1), through QProcess. Each call waits at most `timeoutMs`.
class CrontabRunner
{
public:
    explicit CrontabRunner(QString program = QStringLiteral("crontab"), int timeoutMs = 10000);

    // The executable found in PATH (or the absolute path given), or empty.
    QString resolvedProgram() const;
    bool isAvailable() const { return !resolvedProgram().isEmpty(); }

    // `crontab -l`. A user without a crontab gets an empty one with
    // `exists` false.
    std::optional<QByteArray> read(bool* exists, QString* error) const;
    // `crontab -` with `content` on stdin.
    bool write(const QByteArray& content, QString* error) const;
    // `crontab -r`.
    bool removeAll(QString* error) const;

private:
    bool run(const QStringList& args, const QByteArray& input, QByteArray* output, int* exitCode, QString* error) const;

    QString m_program;
    int m_timeoutMs;
};

// `--cron-spawn SCHEDULE`: installs the tagged line on install() and removes
// exactly that line on remove() or destruction (so a normal exit after
// SIGINT/SIGTERM cleans up). install() first removes the lines of owners that
// are gone (Crontab::ownerGone()). A missing crontab is reported by install()
// and otherwise ignored. Not copyable.
class CronSpawnGuard
{
public:
    CronSpawnGuard(QString schedule, QString scriptPath, QString logPath, QList<QPair<QString, QString>> env = {},
                   QString crontabProgram = QStringLiteral("crontab"));
    ~CronSpawnGuard();
    CronSpawnGuard(const CronSpawnGuard&) = delete;
    CronSpawnGuard& operator=(const CronSpawnGuard&) = delete;

    // Returns false with a message to show (crontab missing, bad schedule,
    // crontab refused it); `message` tells what was done on success.
    bool install(QString* message);
    // Idempotent. Returns false with a message when the line could not be
    // removed (then the user must run `crontab -e`; the message says so).
    bool remove(QString* message);

    bool isInstalled() const { return m_installed; }
    // The tags install() found orphaned and removed.
    QStringList removedOrphans() const { return m_removedOrphans; }
    QString tag() const { return m_tag; }
    QByteArray line() const { return m_line; }

private:
    QString m_schedule;
    QString m_scriptPath;
    QString m_logPath;
    QList<QPair<QString, QString>> m_env;
    CrontabRunner m_runner;
    QString m_tag;
    QByteArray m_line;
    QStringList m_removedOrphans;
    bool m_installed = false;
    bool m_hadCrontab = true; // before install; restores "no crontab" when it ends empty
};

// Where scripts/spawn_containers.sh is: $STEVEDORE_SPAWN_SCRIPT, next to an
// installed binary (<prefix>/share/stevedore/scripts), the system locations
// (/usr/share, /usr/local/share), then the source tree this build came from.
QStringList spawnScriptCandidates();
// The first candidate that is an executable file, as an absolute canonical
// path; empty when none is.
QString findSpawnScript(const QStringList& candidates = spawnScriptCandidates());
// <dataDir>/cron-spawn.log.
QString defaultCronLogPath(const QString& dataDir);

// What `--cron-spawn SCHEDULE` needs, resolved by the program
// (app/settings.cpp): every field already holds its final value.
struct CronSettings
{
    QString schedule; // empty: no crontab line
    QString dockerHost; // --docker-host (empty: DOCKER_HOST, context, socket)
    QString dockerContext; // --context
    QString image; // the image spawned containers use
    QString dataDir; // where cron-spawn.log goes
};

// The guard for `--cron-spawn SCHEDULE`: the script from findSpawnScript(),
// the log in the data directory (defaultCronLogPath()), DOCKER_HOST set to
// the daemon Stevedore itself resolved and STEVEDORE_IMAGE to the image, so
// cron spawns on the same daemon with the same image. Null when no schedule
// was given. Not installed yet: call install() and show its message (it says
// when crontab is missing).
std::unique_ptr<CronSpawnGuard> makeCronSpawnGuard(const CronSettings& settings);
