#include "core/manager/crontab.h"

#include "core/docker/dockerhost.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>

namespace {
QByteArray readSmallFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(4096); // /proc/PID/stat and boot_id are far shorter
}

const QRegularExpression& bootIdPattern()
{
    static const QRegularExpression re(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return re;
}

QString readBootId(const QString& procRoot)
{
    const QString id = QString::fromLatin1(readSmallFile(procRoot + QStringLiteral("/sys/kernel/random/boot_id")))
                           .trimmed()
                           .toLower();
    return bootIdPattern().match(id).hasMatch() ? id : QString();
}
} // namespace

std::optional<quint64> processStartTicks(qint64 pid, const QString& procRoot)
{
    if (pid <= 0)
        return std::nullopt;
    const QByteArray stat = readSmallFile(procRoot + QLatin1Char('/') + QString::number(pid) + QStringLiteral("/stat"));
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so
    // count fields after the last ')'. STATE is field 3, starttime field 22.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 1).simplified().split(' ');
    if (fields.size() < 20)
        return std::nullopt;
    bool ok = false;
    const quint64 ticks = fields.at(19).toULongLong(&ok);
    return ok ? std::optional<quint64>(ticks) : std::nullopt;
}

std::optional<CronOwner> currentCronOwner(const QString& procRoot)
{
    CronOwner owner;
    owner.pid = QCoreApplication::applicationPid();
    const auto ticks = processStartTicks(owner.pid, procRoot);
    owner.bootId = readBootId(procRoot);
    if (!ticks || owner.bootId.isEmpty())
        return std::nullopt;
    owner.startTicks = *ticks;
    return owner;
}

namespace Crontab {

QByteArray markerPrefix()
{
    return QByteArrayLiteral("# stevedore-cron-spawn:");
}

QByteArray marker(const QString& tag)
{
    return markerPrefix() + tag.toLatin1();
}

QString newTag()
{
    if (const auto owner = currentCronOwner())
        return ownerTag(*owner, QRandomGenerator::system()->generate());
    return QStringLiteral("%1-%2")
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
}

QString ownerTag(const CronOwner& owner, quint32 random)
{
    return QStringLiteral("%1.%2.%3.%4")
        .arg(owner.pid)
        .arg(owner.startTicks)
        .arg(owner.bootId)
        .arg(random, 8, 16, QLatin1Char('0'));
}

std::optional<CronOwner> ownerFromTag(const QString& tag)
{
    const QStringList parts = tag.split(QLatin1Char('.'));
    if (parts.size() != 4 || !bootIdPattern().match(parts.at(2)).hasMatch())
        return std::nullopt;
    // No leading zeros: one owner, one spelling.
    static const QRegularExpression number(QStringLiteral("^(0|[1-9][0-9]{0,18})$"));
    static const QRegularExpression random(QStringLiteral("^[0-9a-f]{8}$"));
    if (!number.match(parts.at(0)).hasMatch() || !number.match(parts.at(1)).hasMatch()
        || !random.match(parts.at(3)).hasMatch())
        return std::nullopt;
    CronOwner owner;
    bool pidOk = false;
    bool ticksOk = false;
    owner.pid = parts.at(0).toLongLong(&pidOk);
    owner.startTicks = parts.at(1).toULongLong(&ticksOk);
    owner.bootId = parts.at(2);
    if (!pidOk || !ticksOk || owner.pid <= 0)
        return std::nullopt;
    return owner;
}

bool ownerGone(const QString& tag, const QString& procRoot)
{
    if (const auto owner = ownerFromTag(tag)) {
        const QString boot = readBootId(procRoot);
        if (boot.isEmpty())
            return false; // cannot tell: keep it
        if (boot != owner->bootId)
            return true;
        const auto ticks = processStartTicks(owner->pid, procRoot);
        return !ticks || *ticks != owner->startTicks;
    }
    // PID-RANDOM, what Stevedore 0.1 wrote.
    static const QRegularExpression legacy(QStringLiteral("^([0-9]{1,19})-[0-9a-f]{16}$"));
    const auto m = legacy.match(tag);
    if (!m.hasMatch())
        return false;
    bool ok = false;
    const qint64 pid = m.captured(1).toLongLong(&ok);
    return ok && pid > 0 && !QFileInfo::exists(procRoot + QLatin1Char('/') + QString::number(pid));
}

bool isValidSchedule(const QString& schedule)
{
    const QString s = schedule.trimmed();
    if (s.contains(QLatin1Char('\n')) || s.contains(QLatin1Char('\r')) || s.contains(QLatin1Char('%')))
        return false;
    if (s.startsWith(QLatin1Char('@'))) {
        static const QStringList keywords
            = { QStringLiteral("@reboot"),   QStringLiteral("@yearly"), QStringLiteral("@annually"),
                QStringLiteral("@monthly"),  QStringLiteral("@weekly"), QStringLiteral("@daily"),
                QStringLiteral("@midnight"), QStringLiteral("@hourly") };
        return keywords.contains(s);
    }
    const QStringList fields = s.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() != 5)
        return false;
    // Digits, names (jan, mon), and the * , - / operators: enough to keep
    // a command from sneaking in as a "field".
    static const QRegularExpression field(QStringLiteral("^[0-9A-Za-z*,/-]+$"));
    return std::all_of(fields.cbegin(), fields.cend(), [](const QString& f) { return field.match(f).hasMatch(); });
}

QString shellQuote(const QString& text)
{
    QString q = text;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    q.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

std::optional<QByteArray> spawnLine(const QString& schedule, const QString& scriptPath, const QString& logPath,
                                    const QList<QPair<QString, QString>>& env, const QString& tag, QString* error)
{
    auto fail = [error](const QString& why) -> std::optional<QByteArray> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!isValidSchedule(schedule))
        return fail(QStringLiteral("'%1' is not a cron schedule: give five fields or an @keyword, e.g. \"* * * * *\"")
                        .arg(schedule));
    if (!QDir::isAbsolutePath(scriptPath))
        return fail(QStringLiteral("the spawn script path must be absolute, not '%1'").arg(scriptPath));
    if (!QDir::isAbsolutePath(logPath))
        return fail(QStringLiteral("the cron log path must be absolute, not '%1'").arg(logPath));
    static const QRegularExpression tagChars(QStringLiteral("^[A-Za-z0-9._-]+$"));
    if (!tagChars.match(tag).hasMatch())
        return fail(QStringLiteral("invalid crontab tag '%1'").arg(tag));
    static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    QString line = schedule.simplified() + QLatin1Char(' ');
    if (const auto owner = ownerFromTag(tag)) {
        // Does nothing once the owner is gone: a Stevedore killed before it
        // could remove its line leaves it inert. COMM in /proc/PID/stat may
        // hold spaces and ')', so cut after the last ") ": STATE becomes
        // field 1 and starttime (field 22) field 20. Every value here was
        // checked by ownerFromTag(): digits, hex and dashes only.
        line += QStringLiteral("[ \"$(sed 's/.*) //' /proc/%1/stat 2>/dev/null | cut -d' ' -f20)\" = %2 ] && "
                               "[ \"$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)\" = %3 ] && ")
                    .arg(owner->pid)
                    .arg(owner->startTicks)
                    .arg(owner->bootId);
    }
    for (const auto& [name, value] : env) {
        if (!envName.match(name).hasMatch())
            return fail(QStringLiteral("invalid environment variable name '%1'").arg(name));
        // cron ends the line at \n, and crontab(1) rejects a \r or turns it
        // into a line break on some systems: both would cut our command.
        if (value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')))
            return fail(QStringLiteral("environment value for %1 has a line break").arg(name));
        line += name + QLatin1Char('=') + shellQuote(value) + QLatin1Char(' ');
    }
    for (const QString& path : { scriptPath, logPath }) {
        if (path.contains(QLatin1Char('\n')) || path.contains(QLatin1Char('\r')))
            return fail(QStringLiteral("path with a line break (newline): '%1'").arg(path));
    }
    line += shellQuote(scriptPath) + QStringLiteral(" >>") + shellQuote(logPath) + QStringLiteral(" 2>&1 ");
    return line.toUtf8() + marker(tag);
}

namespace {
// Splits into lines that keep their own ending bytes, so joining them gives
// back the input exactly.
QList<QByteArray> splitKeepingEndings(const QByteArray& text)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype nl = text.indexOf('\n', start);
        const qsizetype end = nl < 0 ? text.size() : nl + 1;
        lines.append(text.mid(start, end - start));
        start = end;
    }
    return lines;
}

bool carriesTag(QByteArray line, const QByteArray& tagMarker)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    // The marker must end the line: "…:<tag>" and not "…:<tag>more".
    return line.endsWith(tagMarker) && line.size() > tagMarker.size()
        && (line.at(line.size() - tagMarker.size() - 1) == ' ' || line.at(line.size() - tagMarker.size() - 1) == '\t');
}
} // namespace

QByteArray addLine(const QByteArray& crontab, const QByteArray& line)
{
    QByteArray out = crontab;
    if (!out.isEmpty() && !out.endsWith('\n'))
        out += '\n';
    out += line;
    out += '\n';
    return out;
}

QByteArray removeTagged(const QByteArray& crontab, const QString& tag, int* removed)
{
    const QByteArray m = marker(tag);
    QByteArray out;
    out.reserve(crontab.size());
    int count = 0;
    for (const QByteArray& line : splitKeepingEndings(crontab)) {
        if (carriesTag(line, m)) {
            ++count;
            continue;
        }
        out += line;
    }
    if (removed)
        *removed = count;
    return out;
}

int countTagged(const QByteArray& crontab, const QString& tag)
{
    int n = 0;
    removeTagged(crontab, tag, &n);
    return n;
}

QStringList tags(const QByteArray& crontab)
{
    const QByteArray prefix = markerPrefix();
    QStringList out;
    for (QByteArray line : splitKeepingEndings(crontab)) {
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        const qsizetype at = line.lastIndexOf(prefix);
        if (at <= 0)
            continue;
        const QString tag = QString::fromLatin1(line.mid(at + prefix.size()));
        // Only what removeTagged() would remove: a tag of the allowed
        // characters, ending the line, after a blank.
        static const QRegularExpression tagChars(QStringLiteral("^[A-Za-z0-9._-]+$"));
        if (!tagChars.match(tag).hasMatch() || !carriesTag(line, marker(tag)) || out.contains(tag))
            continue;
        out.append(tag);
    }
    return out;
}

QByteArray removeOrphans(const QByteArray& crontab, const std::function<bool(const QString& tag)>& gone,
                         QStringList* removedTags)
{
    QByteArray out = crontab;
    for (const QString& tag : tags(crontab)) {
        if (!gone(tag))
            continue;
        out = removeTagged(out, tag);
        if (removedTags)
            removedTags->append(tag);
    }
    return out;
}

} // namespace Crontab

// ---- CrontabRunner -------------------------------------------------------

CrontabRunner::CrontabRunner(QString program, int timeoutMs)
    : m_program(std::move(program))
    , m_timeoutMs(timeoutMs)
{ }

QString CrontabRunner::resolvedProgram() const
{
    if (m_program.contains(QLatin1Char('/'))) {
        const QFileInfo fi(m_program);
        return fi.isFile() && fi.isExecutable() ? fi.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(m_program);
}

bool CrontabRunner::run(const QStringList& args, const QByteArray& input, QByteArray* output, int* exitCode,
                        QString* error) const
{
    const QString program = resolvedProgram();
    if (program.isEmpty()) {
        if (error)
            *error = QStringLiteral("'%1' not found: is cron installed?").arg(m_program);
        return false;
    }
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted(m_timeoutMs)) {
        if (error)
            *error = QStringLiteral("cannot run %1: %2").arg(program, p.errorString());
        return false;
    }
    if (!input.isNull())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(m_timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        if (error)
            *error = QStringLiteral("%1 %2 did not finish within %3 s")
                         .arg(program, args.join(QLatin1Char(' ')))
                         .arg(m_timeoutMs / 1000);
        return false;
    }
    if (output)
        *output = p.readAllStandardOutput();
    const QString stderrText = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    if (*exitCode != 0 && error)
        *error = stderrText.isEmpty()
            ? QStringLiteral("%1 %2 failed (exit %3)").arg(program, args.join(QLatin1Char(' '))).arg(*exitCode)
            : stderrText;
    return true;
}

std::optional<QByteArray> CrontabRunner::read(bool* exists, QString* error) const
{
    QByteArray out;
    int code = 0;
    QString why;
    if (!run({ QStringLiteral("-l") }, QByteArray(), &out, &code, &why)) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    if (code == 0) {
        if (exists)
            *exists = true;
        return out;
    }
    // Vixie/Debian cron: exit 1 and "no crontab for <user>".
    if (why.contains(QLatin1String("no crontab"))) {
        if (exists)
            *exists = false;
        return QByteArray();
    }
    if (error)
        *error = QStringLiteral("crontab -l: %1").arg(why);
    return std::nullopt;
}

bool CrontabRunner::write(const QByteArray& content, QString* error) const
{
    int code = 0;
    QString why;
    if (!run({ QStringLiteral("-") }, content.isNull() ? QByteArray("") : content, nullptr, &code, &why) || code != 0) {
        if (error)
            *error = QStringLiteral("crontab -: %1").arg(why);
        return false;
    }
    return true;
}

bool CrontabRunner::removeAll(QString* error) const
{
    int code = 0;
    QString why;
    if (!run({ QStringLiteral("-r") }, QByteArray(), nullptr, &code, &why) || code != 0) {
        if (error)
            *error = QStringLiteral("crontab -r: %1").arg(why);
        return false;
    }
    return true;
}

// ---- CronSpawnGuard ------------------------------------------------------

CronSpawnGuard::CronSpawnGuard(QString schedule, QString scriptPath, QString logPath,
                               QList<QPair<QString, QString>> env, QString crontabProgram)
    : m_schedule(std::move(schedule))
    , m_scriptPath(std::move(scriptPath))
    , m_logPath(std::move(logPath))
    , m_env(std::move(env))
    , m_runner(std::move(crontabProgram))
    , m_tag(Crontab::newTag())
{ }

CronSpawnGuard::~CronSpawnGuard()
{
    if (m_installed)
        remove(nullptr);
}

bool CronSpawnGuard::install(QString* message)
{
    auto fail = [message](const QString& why) {
        if (message)
            *message = why;
        return false;
    };
    if (m_installed)
        return fail(QStringLiteral("the cron-spawn line is already installed"));
    if (!m_runner.isAvailable())
        return fail(QStringLiteral("crontab not found (install cron): --cron-spawn is ignored, Stevedore goes on "
                                   "without it"));
    if (m_scriptPath.isEmpty())
        return fail(QStringLiteral("spawn_containers.sh not found (set STEVEDORE_SPAWN_SCRIPT): --cron-spawn is "
                                   "ignored"));
    QString why;
    const auto line = Crontab::spawnLine(m_schedule, m_scriptPath, m_logPath, m_env, m_tag, &why);
    if (!line)
        return fail(why);
    QDir().mkpath(QFileInfo(m_logPath).absolutePath());
    bool exists = false;
    const auto current = m_runner.read(&exists, &why);
    if (!current)
        return fail(QStringLiteral("cannot read the crontab: %1").arg(why));
    // Lines left by Stevedores that died without removing theirs (kill -9,
    // a crash): they already do nothing, now they go.
    QStringList orphans;
    const QByteArray kept = Crontab::removeOrphans(
        *current, [](const QString& tag) { return Crontab::ownerGone(tag); }, &orphans);
    if (!m_runner.write(Crontab::addLine(kept, *line), &why))
        return fail(QStringLiteral("cannot install the cron-spawn line: %1").arg(why));
    // A crontab that held only orphans was made by their owner: ours goes
    // back to "no crontab" when it ends empty.
    m_hadCrontab = exists && !kept.isEmpty();
    m_removedOrphans = orphans;
    m_line = *line;
    m_installed = true;
    if (message) {
        *message = QStringLiteral("installed crontab line: %1").arg(QString::fromUtf8(m_line));
        if (!orphans.isEmpty())
            *message += QStringLiteral(" (removed %1 line(s) left by Stevedore processes that are gone: %2)")
                            .arg(orphans.size())
                            .arg(orphans.join(QStringLiteral(", ")));
    }
    return true;
}

bool CronSpawnGuard::remove(QString* message)
{
    auto say = [message](const QString& text, bool ok) {
        if (message)
            *message = text;
        return ok;
    };
    if (!m_installed)
        return say(QStringLiteral("no cron-spawn line to remove"), true);
    QString why;
    bool exists = false;
    // Read again: the user (or another tool) may have edited the crontab
    // since; only our line goes.
    const auto current = m_runner.read(&exists, &why);
    if (!current)
        return say(QStringLiteral("cannot read the crontab to remove the cron-spawn line (%1); remove the line "
                                  "ending in '%2' with crontab -e")
                       .arg(why, QString::fromLatin1(Crontab::marker(m_tag))),
                   false);
    int removed = 0;
    const QByteArray rest = Crontab::removeTagged(*current, m_tag, &removed);
    bool ok = true;
    if (removed > 0) {
        if (rest.isEmpty() && !m_hadCrontab)
            ok = m_runner.removeAll(&why); // back to "no crontab", as before
        else
            ok = m_runner.write(rest, &why);
    }
    if (!ok)
        return say(QStringLiteral("cannot remove the cron-spawn line (%1); remove the line ending in '%2' with "
                                  "crontab -e")
                       .arg(why, QString::fromLatin1(Crontab::marker(m_tag))),
                   false);
    m_installed = false;
    return say(removed > 0 ? QStringLiteral("removed the cron-spawn line from the crontab")
                           : QStringLiteral("the cron-spawn line was already gone from the crontab"),
               true);
}

// ---- paths ---------------------------------------------------------------

QStringList spawnScriptCandidates()
{
    QStringList out;
    const QString env = qEnvironmentVariable("STEVEDORE_SPAWN_SCRIPT");
    if (!env.isEmpty())
        out.append(env);
    const QString rel = QStringLiteral("/stevedore/scripts/spawn_containers.sh");
    if (QCoreApplication::instance()) {
        // <prefix>/bin/stevedore → <prefix>/share/stevedore/scripts
        out.append(QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share") + rel));
    }
    out.append(QStringLiteral("/usr/share") + rel);
    out.append(QStringLiteral("/usr/local/share") + rel);
#ifdef STEVEDORE_SCRIPTS_SOURCE_DIR
    out.append(QStringLiteral(STEVEDORE_SCRIPTS_SOURCE_DIR "/spawn_containers.sh"));
#endif
    out.removeDuplicates();
    return out;
}

QString findSpawnScript(const QStringList& candidates)
{
    for (const QString& c : candidates) {
        const QFileInfo fi(c);
        if (fi.isFile() && fi.isExecutable())
            return fi.canonicalFilePath();
    }
    return {};
}

QString defaultCronLogPath(const QString& dataDir)
{
    return QDir(dataDir).absoluteFilePath(QStringLiteral("cron-spawn.log"));
}

std::unique_ptr<CronSpawnGuard> makeCronSpawnGuard(const CronSettings& settings)
{
    if (settings.schedule.isEmpty())
        return nullptr;
    QList<QPair<QString, QString>> env;
    const auto endpoint
        = resolveDockerHost(DockerHostInputs::fromEnvironment(settings.dockerHost, settings.dockerContext), nullptr);
    if (endpoint)
        env.append(endpoint->cliEnvironment()); // DOCKER_HOST, and its TLS for the docker CLI
    env.append({ QStringLiteral("STEVEDORE_IMAGE"), settings.image });
    return std::make_unique<CronSpawnGuard>(settings.schedule, findSpawnScript(), defaultCronLogPath(settings.dataDir),
                                            env);
}
