#include "core/model/logentry.h"

#include "core/model/kmodjson.h"
#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"
#include "core/util/jsondepth.h"

#include <algorithm>
#include <vector>

using nlohmann::json;

namespace {
bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

std::string dumpCompact(const json& j)
{
    // Replace rather than throw on invalid UTF-8: parsed input never has
    // any, but a hand-built document might.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool readTimestamp(const json& doc, QDateTime& out, QString* error)
{
    const auto ts = doc.find("timestamp");
    if (ts == doc.end())
        return fail(error, QStringLiteral("field 'timestamp' is missing"));
    if (!ts->is_string())
        return fail(error, QStringLiteral("field 'timestamp' must be an RFC 3339 string"));
    out = fromRfc3339(ts->get<std::string>());
    if (!out.isValid())
        return fail(error,
                    QStringLiteral("field 'timestamp' is not an RFC 3339 date-time: '%1'")
                        .arg(QString::fromStdString(ts->get<std::string>()).left(64)));
    return true;
}

bool normaliseChecked(const json& doc, NormalisedEntry& out, QString* error);

QByteArray makeLine(const QDateTime& timestamp, const std::string& source, const HostIdentity& host,
                    const std::optional<EntryId>& id, const json& sysinfo, const json* snapshot)
{
    std::string s;
    s.reserve(4096);
    s += "{\"timestamp\":";
    s += json(toRfc3339(timestamp).toStdString()).dump();
    s += ",\"received\":";
    s += json(toRfc3339(QDateTime::currentDateTimeUtc()).toStdString()).dump();
    if (!source.empty()) {
        s += ",\"source\":";
        s += dumpCompact(json(source));
    }
    if (!host.isEmpty()) {
        s += ",\"host\":";
        s += dumpCompact(hostToJson(host));
    }
    if (id) {
        // Before "sysinfo": entryIdFromStoredLine finds it there unparsed.
        s += ",\"entry_id\":";
        s += dumpCompact(entryIdToJson(*id));
    }
    s += ",\"sysinfo\":";
    s += dumpCompact(sysinfo);
    if (snapshot) {
        s += ",\"snapshot\":";
        s += dumpCompact(*snapshot);
    }
    s += '}';
    return QByteArray::fromStdString(s);
}
} // namespace

int jsonDepth(const json& doc, int stopAt)
{
    // Iterative: the point is to measure documents too deep to recurse into.
    std::vector<std::pair<const json*, int>> todo { { &doc, 1 } };
    int deepest = 0;
    while (!todo.empty()) {
        const auto [node, depth] = todo.back();
        todo.pop_back();
        if (!node->is_structured())
            continue;
        deepest = std::max(deepest, depth);
        if (deepest > stopAt)
            return deepest;
        for (const json& child : *node)
            todo.emplace_back(&child, depth + 1);
    }
    return deepest;
}

bool normaliseLogEntry(const QByteArray& body, NormalisedEntry& out, QString* error)
{
    if (body.trimmed().isEmpty())
        return fail(error, QStringLiteral("empty body: expected a JSON log entry"));
    // Before building anything: a document nested deeper than any entry
    // could be is refused without recursing into it (building, comparing
    // and dumping nlohmann values recurse once per level).
    if (jsonTextDepth(body, kMaxEntryDepth) > kMaxEntryDepth)
        return fail(error, QStringLiteral("JSON nested deeper than %1 levels").arg(kMaxEntryDepth));
    json doc;
    try {
        doc = json::parse(body.constBegin(), body.constEnd());
    } catch (const json::parse_error& e) {
        return fail(error,
                    QStringLiteral("malformed JSON at byte %1: %2").arg(e.byte).arg(QString::fromUtf8(e.what())));
    } catch (const json::out_of_range& e) {
        // A number too large for a double (1e400), among others.
        return fail(error, QStringLiteral("JSON value out of range: %1").arg(QString::fromUtf8(e.what())));
    } catch (const json::exception& e) {
        return fail(error, QStringLiteral("malformed JSON: %1").arg(QString::fromUtf8(e.what())));
    }
    return normaliseLogEntry(doc, out, error);
}

bool normaliseLogEntry(const json& doc, NormalisedEntry& out, QString* error)
{
    if (jsonDepth(doc, kMaxEntryDepth) > kMaxEntryDepth)
        return fail(error, QStringLiteral("JSON nested deeper than %1 levels").arg(kMaxEntryDepth));
    // Nothing a sender posts may throw past this point: a type the schema
    // checks missed, or a value a conversion refuses, is a 400, not a crash.
    try {
        return normaliseChecked(doc, out, error);
    } catch (const json::exception& e) {
        return fail(error, QStringLiteral("invalid log entry: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("invalid log entry: %1").arg(QString::fromUtf8(e.what())));
    }
}

namespace {
bool normaliseChecked(const json& doc, NormalisedEntry& out, QString* error)
{
    if (!doc.is_object())
        return fail(
            error,
            QStringLiteral("expected a JSON object (a log entry), got %1").arg(QString::fromUtf8(doc.type_name())));
    std::string source;
    if (const auto src = doc.find("source"); src != doc.end() && !src->is_null()) {
        if (!src->is_string())
            return fail(error, QStringLiteral("field 'source' must be a string"));
        source = src->get<std::string>();
    }
    // "host" at the top, else the one inside Stevedore's snapshot.
    HostIdentity host;
    {
        QString why;
        if (!hostFromJson(doc, host, &why))
            return fail(error, why);
        if (host.isEmpty()) {
            const auto own = doc.find("snapshot");
            if (own != doc.end() && own->is_object() && !hostFromJson(*own, host, &why))
                return fail(error, QStringLiteral("field 'snapshot': %1").arg(why));
        }
    }
    std::optional<EntryId> id;
    if (const auto given = doc.find("entry_id"); given != doc.end() && !given->is_null()) {
        EntryId parsed;
        if (!entryIdFromJson(*given, parsed, error))
            return false;
        id = parsed;
    }
    out.id = id;

    if (doc.contains("sysinfo")) {
        // The original's LogEntry, possibly with Stevedore's snapshot alongside.
        QDateTime when;
        if (!readTimestamp(doc, when, error))
            return false;
        RawSample raw;
        QString why;
        if (!parseKmodJson(doc["sysinfo"], raw, &why))
            return fail(error, QStringLiteral("field 'sysinfo': %1").arg(why));
        const json* snapshot = nullptr;
        if (const auto own = doc.find("snapshot"); own != doc.end() && !own->is_null()) {
            Snapshot s;
            if (!snapshotFromJson(*own, s, &why))
                return fail(error, QStringLiteral("field 'snapshot': %1").arg(why));
            snapshot = &*own;
        }
        out.line = makeLine(when, source, host, id, doc["sysinfo"], snapshot);
        out.timestamp = when;
        out.kind = QStringLiteral("original");
        return true;
    }

    if (doc.contains("system") || doc.contains("containers")) {
        // Stevedore's own snapshot (stevedore --once --json).
        Snapshot s;
        QString why;
        if (!snapshotFromJson(doc, s, &why))
            return fail(error, QStringLiteral("snapshot: %1").arg(why));
        out.line = makeLine(s.timestamp, source.empty() ? s.source.toStdString() : source,
                            host.isEmpty() ? s.host : host, id, snapshotToOriginalSysinfo(s), &doc);
        out.timestamp = s.timestamp;
        out.kind = QStringLiteral("snapshot");
        return true;
    }

    return fail(error,
                QStringLiteral("unknown entry shape: expected a LogEntry {\"timestamp\", \"sysinfo\"} or a "
                               "Stevedore snapshot {\"timestamp\", \"system\", \"containers\"}"));
}
} // namespace

json reportEntry(const Snapshot& snapshot, const std::optional<EntryId>& id)
{
    json entry = snapshotToLogEntry(snapshot);
    entry["snapshot"] = snapshotToJson(snapshot);
    if (id)
        entry["entry_id"] = entryIdToJson(*id);
    return entry;
}

QByteArray reportEntryBytes(const Snapshot& snapshot, const std::optional<EntryId>& id)
{
    return QByteArray::fromStdString(dumpCompact(reportEntry(snapshot, id)));
}
