#include "core/docker/dockertypes.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

using nlohmann::json;

namespace {
bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// Deeper than any reply of the Engine API (inspect nests about six levels);
// a reply nested deeper is refused before it is built, so nothing that walks
// the tree later (dump(), destruction, the decoders) can run out of stack.
constexpr int kMaxDepth = DockerJson::kMaxNestingDepth;
constexpr qint64 kMaxSeconds = std::numeric_limits<qint64>::max() / 1000000000LL;

std::optional<json> parse(const QByteArray& body, QString* error)
{
    bool tooDeep = false;
    // The callback cannot stop the parser, but refusing a container that
    // starts too deep keeps its contents out of the tree; the flag turns the
    // whole document into an error.
    const json::parser_callback_t capDepth = [&tooDeep](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)
            && depth >= kMaxDepth) {
            tooDeep = true;
            return false;
        }
        return !tooDeep;
    };
    json j;
    try {
        j = json::parse(body.constData(), body.constData() + body.size(), capDepth);
    } catch (const json::exception& e) {
        // parse_error for syntax, out_of_range for numbers beyond a double
        // (1e400): both say where.
        fail(error,
             QStringLiteral("not valid JSON (%1): %2")
                 .arg(QString::fromUtf8(e.what()), QString::fromUtf8(body.left(120))));
        return std::nullopt;
    } catch (const std::exception& e) {
        fail(error, QStringLiteral("cannot decode the reply: %1").arg(QString::fromUtf8(e.what())));
        return std::nullopt;
    }
    if (tooDeep) {
        fail(error, QStringLiteral("reply nested deeper than %1 levels").arg(kMaxDepth));
        return std::nullopt;
    }
    return j;
}

// Runs one decoder and turns anything it throws (a type the schema does not
// expect, the allocator) into a false return with a message: a reply from
// the daemon, or from whatever answers on DOCKER_HOST, never ends the
// process.
template<typename F> bool guarded(QString* error, F&& decode)
{
    try {
        return decode();
    } catch (const json::exception& e) {
        return fail(error, QStringLiteral("unexpected reply: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("cannot decode the reply: %1").arg(QString::fromUtf8(e.what())));
    }
}

QString str(const json& obj, const char* key)
{
    if (!obj.is_object())
        return {};
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

// A number that fits a qint64, else 0 (absent): JSON numbers may be any
// size, and converting a double beyond the range of qint64 is undefined.
qint64 integer(const json& obj, const char* key)
{
    if (!obj.is_object())
        return 0;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number())
        return 0;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        return v <= std::uint64_t(std::numeric_limits<qint64>::max()) ? qint64(v) : 0;
    }
    if (it->is_number_integer())
        return it->get<qint64>();
    const double d = it->get<double>();
    // 2^63 is exact as a double; the range is [-2^63, 2^63).
    constexpr double limit = 9223372036854775808.0;
    return std::isfinite(d) && d >= -limit && d < limit ? qint64(d) : 0;
}

// Docker sends null for empty maps and lists; wrong types are an error.
bool stringMap(const json& obj, const char* key, QHash<QString, QString>& out, QString* error)
{
    out.clear();
    if (!obj.is_object())
        return true;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return true;
    if (!it->is_object())
        return fail(error, QStringLiteral("%1 is not an object").arg(QLatin1String(key)));
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
        if (kv->is_string())
            out.insert(QString::fromStdString(kv.key()), QString::fromStdString(kv->get<std::string>()));
    }
    return true;
}

bool stringList(const json& obj, const char* key, QStringList& out, QString* error)
{
    out.clear();
    if (!obj.is_object())
        return true;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return true;
    if (it->is_string()) { // Entrypoint/Cmd may be a plain string in old API versions
        out.append(QString::fromStdString(it->get<std::string>()));
        return true;
    }
    if (!it->is_array())
        return fail(error, QStringLiteral("%1 is not a list").arg(QLatin1String(key)));
    for (const auto& v : *it) {
        if (v.is_string())
            out.append(QString::fromStdString(v.get<std::string>()));
    }
    return true;
}

QString stripSlash(QString name)
{
    if (name.startsWith(QLatin1Char('/')))
        name.remove(0, 1);
    return name;
}

std::string utf8(const QString& s)
{
    return s.toStdString();
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil): exact for any year, no time zone database involved.
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

bool digits(QStringView text, int from, int count, int& out)
{
    if (from + count > text.size())
        return false;
    int v = 0;
    for (int i = from; i < from + count; ++i) {
        const QChar c = text.at(i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
        v = v * 10 + (c.unicode() - '0');
    }
    out = v;
    return true;
}
} // namespace

QDateTime ContainerInfo::created() const
{
    if (createdNs == 0)
        return {};
    // Floor division so times before 1970 stay right.
    const qint64 ms = createdNs >= 0 ? createdNs / 1000000 : -((-createdNs + 999999) / 1000000);
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

QString ContainerInfo::commandLine() const
{
    return (entrypoint + cmd).join(QLatin1Char(' '));
}

QString DockerEvent::baseAction() const
{
    const int colon = action.indexOf(QLatin1Char(':'));
    return colon < 0 ? action : action.left(colon);
}

namespace DockerJson {

std::optional<qint64> parseTimestampNs(QStringView t)
{
    int year, month, day, hour, minute, second;
    if (!digits(t, 0, 4, year) || t.size() < 19 || t.at(4) != QLatin1Char('-') || !digits(t, 5, 2, month)
        || t.at(7) != QLatin1Char('-') || !digits(t, 8, 2, day)
        || (t.at(10) != QLatin1Char('T') && t.at(10) != QLatin1Char('t') && t.at(10) != QLatin1Char(' '))
        || !digits(t, 11, 2, hour) || t.at(13) != QLatin1Char(':') || !digits(t, 14, 2, minute)
        || t.at(16) != QLatin1Char(':') || !digits(t, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    int pos = 19;
    qint64 fraction = 0;
    if (pos < t.size() && t.at(pos) == QLatin1Char('.')) {
        ++pos;
        int n = 0;
        while (pos < t.size() && t.at(pos) >= QLatin1Char('0') && t.at(pos) <= QLatin1Char('9')) {
            if (n < 9) { // finer than a nanosecond is dropped
                fraction = fraction * 10 + (t.at(pos).unicode() - '0');
                ++n;
            }
            ++pos;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            fraction *= 10;
    }
    qint64 offsetSeconds = 0;
    if (pos < t.size() && (t.at(pos) == QLatin1Char('Z') || t.at(pos) == QLatin1Char('z'))) {
        ++pos;
    } else if (pos < t.size() && (t.at(pos) == QLatin1Char('+') || t.at(pos) == QLatin1Char('-'))) {
        const int sign = t.at(pos) == QLatin1Char('-') ? -1 : 1;
        int oh, om;
        if (!digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t.at(pos + 3) != QLatin1Char(':')
            || !digits(t, pos + 4, 2, om))
            return std::nullopt;
        offsetSeconds = sign * (oh * 3600 + om * 60);
        pos += 6;
    } else {
        return std::nullopt; // RFC 3339 requires a zone
    }
    if (pos != t.size())
        return std::nullopt;
    // qint64 nanoseconds cover 1677-09-21 .. 2262-04-11; Docker's zero time
    // (year 1) means "never" and falls outside on purpose.
    if (year < 1678 || year > 2261)
        return std::nullopt;
    const qint64 seconds = daysFromCivil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 + minute * 60
        + second - offsetSeconds;
    return seconds * 1000000000LL + fraction;
}

QString formatTimestampNs(qint64 ns)
{
    qint64 seconds = ns / 1000000000LL;
    qint64 fraction = ns % 1000000000LL;
    if (fraction < 0) {
        fraction += 1000000000LL;
        --seconds;
    }
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    return dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('.')
        + QStringLiteral("%1").arg(fraction, 9, 10, QLatin1Char('0')) + QLatin1Char('Z');
}

bool parseContainerList(const QByteArray& body, QList<ContainerSummary>& out, QString* error)
{
    return guarded(error, [&] {
        out.clear();
        const auto j = parse(body, error);
        if (!j)
            return false;
        if (!j->is_array())
            return fail(error, QStringLiteral("container list is not an array"));
        for (const auto& item : *j) {
            if (!item.is_object())
                return fail(error, QStringLiteral("container list entry is not an object"));
            ContainerSummary c;
            c.id = str(item, "Id");
            if (c.id.isEmpty())
                return fail(error, QStringLiteral("container list entry without Id"));
            QStringList names;
            if (!stringList(item, "Names", names, error) || !stringMap(item, "Labels", c.labels, error))
                return false;
            c.name = names.isEmpty() ? QString() : stripSlash(names.first());
            c.image = str(item, "Image");
            c.command = str(item, "Command");
            c.createdSeconds = integer(item, "Created");
            c.state = str(item, "State");
            c.status = str(item, "Status");
            out.append(std::move(c));
        }
        return true;
    });
}

bool parseContainerInspect(const QByteArray& body, ContainerInfo& out, QString* error)
{
    return guarded(error, [&] {
        out = ContainerInfo {};
        const auto j = parse(body, error);
        if (!j)
            return false;
        if (!j->is_object())
            return fail(error, QStringLiteral("container inspect is not an object"));
        out.id = str(*j, "Id");
        if (out.id.isEmpty())
            return fail(error, QStringLiteral("container inspect without Id"));
        out.name = stripSlash(str(*j, "Name"));
        const QString created = str(*j, "Created");
        const auto createdNs = parseTimestampNs(created);
        if (!createdNs)
            return fail(error, QStringLiteral("container %1 has an unreadable Created time '%2'").arg(out.id, created));
        out.createdNs = *createdNs;
        const auto state = j->find("State");
        if (state != j->end() && state->is_object()) {
            out.state = str(*state, "Status");
            const auto running = state->find("Running");
            out.running = running != state->end() && running->is_boolean() && running->get<bool>();
            out.pid = integer(*state, "Pid");
            out.exitCode = int(integer(*state, "ExitCode"));
            out.startedAtNs = parseTimestampNs(str(*state, "StartedAt")).value_or(0);
        }
        const auto config = j->find("Config");
        if (config != j->end() && config->is_object()) {
            out.image = str(*config, "Image");
            if (!stringList(*config, "Cmd", out.cmd, error) || !stringList(*config, "Entrypoint", out.entrypoint, error)
                || !stringMap(*config, "Labels", out.labels, error))
                return false;
        }
        return true;
    });
}

bool parseImageInspect(const QByteArray& body, ImageInfo& out, QString* error)
{
    return guarded(error, [&] {
        out = ImageInfo {};
        const auto j = parse(body, error);
        if (!j)
            return false;
        if (!j->is_object())
            return fail(error, QStringLiteral("image inspect is not an object"));
        out.id = str(*j, "Id");
        out.sizeBytes = integer(*j, "Size");
        return stringList(*j, "RepoTags", out.repoTags, error);
    });
}

bool parseVersion(const QByteArray& body, VersionInfo& out, QString* error)
{
    return guarded(error, [&] {
        out = VersionInfo {};
        const auto j = parse(body, error);
        if (!j)
            return false;
        if (!j->is_object())
            return fail(error, QStringLiteral("version is not an object"));
        out.version = str(*j, "Version");
        out.apiVersion = str(*j, "ApiVersion");
        out.minApiVersion = str(*j, "MinAPIVersion");
        out.os = str(*j, "Os");
        out.arch = str(*j, "Arch");
        out.kernelVersion = str(*j, "KernelVersion");
        if (out.apiVersion.isEmpty())
            return fail(error, QStringLiteral("version without ApiVersion"));
        return true;
    });
}

bool parseCreateResponse(const QByteArray& body, QString& id, QStringList& warnings, QString* error)
{
    return guarded(error, [&] {
        const auto j = parse(body, error);
        if (!j)
            return false;
        id = str(*j, "Id");
        if (id.isEmpty())
            return fail(error, QStringLiteral("create answer without Id"));
        return stringList(*j, "Warnings", warnings, error);
    });
}

bool parseEvent(const QByteArray& line, DockerEvent& out, QString* error)
{
    return guarded(error, [&] {
        out = DockerEvent {};
        const auto j = parse(line, error);
        if (!j)
            return false;
        if (!j->is_object())
            return fail(error, QStringLiteral("event is not an object"));
        out.type = str(*j, "Type");
        out.action = str(*j, "Action");
        if (out.action.isEmpty())
            out.action = str(*j, "status"); // API < 1.22 only had the old fields
        const auto actor = j->find("Actor");
        if (actor != j->end() && actor->is_object()) {
            out.id = str(*actor, "ID");
            if (!stringMap(*actor, "Attributes", out.attributes, error))
                return false;
        }
        if (out.id.isEmpty())
            out.id = str(*j, "id");
        out.timeNs = integer(*j, "timeNano");
        if (out.timeNs == 0) {
            // Whole seconds from old daemons; a value whose nanoseconds would
            // not fit is as good as absent.
            const qint64 seconds = integer(*j, "time");
            if (seconds >= -kMaxSeconds && seconds <= kMaxSeconds)
                out.timeNs = seconds * 1000000000LL;
        }
        if (out.action.isEmpty())
            return fail(error, QStringLiteral("event without Action"));
        return true;
    });
}

bool parsePullLine(const QByteArray& line, PullProgress& out, QString* error)
{
    return guarded(error, [&] {
        const auto j = parse(line, error);
        if (!j)
            return false;
        if (!j->is_object())
            return fail(error, QStringLiteral("pull progress is not an object"));
        out.status = str(*j, "status");
        out.layer = str(*j, "id");
        out.error = str(*j, "error");
        if (out.error.isEmpty()) {
            const auto detail = j->find("errorDetail");
            if (detail != j->end())
                out.error = str(*detail, "message");
        }
        out.current = 0;
        out.total = 0;
        const auto detail = j->find("progressDetail");
        if (detail != j->end() && detail->is_object()) {
            out.current = integer(*detail, "current");
            out.total = integer(*detail, "total");
        }
        return true;
    });
}

QString errorMessage(const QByteArray& body)
{
    const auto j = parse(body, nullptr);
    if (j && j->is_object()) {
        const QString m = str(*j, "message");
        if (!m.isEmpty())
            return m;
    }
    return QString::fromUtf8(body).trimmed().left(500);
}

QByteArray containerSpecToJson(const ContainerSpec& spec)
{
    json labels = json::object();
    for (auto it = spec.labels.cbegin(); it != spec.labels.cend(); ++it)
        labels[utf8(it.key())] = utf8(it.value());
    json cmd = json::array();
    for (const QString& arg : spec.cmd)
        cmd.push_back(utf8(arg));
    json host = json::object();
    if (!spec.networkMode.isEmpty())
        host["NetworkMode"] = utf8(spec.networkMode);
    if (spec.autoRemove)
        host["AutoRemove"] = true;
    json body = {
        { "Image", utf8(spec.image) }, { "Labels", labels },      { "HostConfig", host }, { "AttachStdin", false },
        { "AttachStdout", false },     { "AttachStderr", false }, { "Tty", false },
    };
    if (!spec.cmd.isEmpty())
        body["Cmd"] = cmd;
    // A QString can hold lone surrogates; replace what is not UTF-8 rather
    // than let dump() throw.
    const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return QByteArray(text.data(), qsizetype(text.size()));
}

QByteArray filtersJson(const QList<QPair<QString, QStringList>>& filters)
{
    json j = json::object();
    for (const auto& f : filters) {
        if (f.second.isEmpty())
            continue;
        json values = json::array();
        for (const QString& v : f.second)
            values.push_back(utf8(v));
        j[utf8(f.first)] = values;
    }
    const std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return QByteArray(text.data(), qsizetype(text.size()));
}

int compareApiVersions(QStringView a, QStringView b)
{
    const auto pa = a.split(QLatin1Char('.'));
    const auto pb = b.split(QLatin1Char('.'));
    for (qsizetype i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        const int va = i < pa.size() ? pa.at(i).toInt() : 0;
        const int vb = i < pb.size() ? pb.at(i).toInt() : 0;
        if (va != vb)
            return va < vb ? -1 : 1;
    }
    return 0;
}

} // namespace DockerJson
