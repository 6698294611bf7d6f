#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include "core/model/entryid.h"

#include <nlohmann/json.hpp>

#include <optional>

struct Snapshot;

// One entry as the store keeps it: a single line of JSON,
//   {"timestamp":"<UTC, ms, Z>","received":"<UTC>","source":"kmod",
//    "host":{...},"entry_id":{...},
//    "sysinfo":{"Memory":{...},"Docker_Containers":[...]},"snapshot":{...}}
// "timestamp" and "sysinfo" are the original's LogEntry (what logs.json held);
// "received" (when this receiver stored it), "source" (which metrics source
// produced it, when known) and "snapshot" (Stevedore's own lossless snapshot
// JSON, docs/snapshot-schema.md, when the sender had one) are additions the
// original's consumers ignore. "timestamp" always comes first, normalised to the
// fixed-width UTC form, so readers filter by time without parsing the line.
struct NormalisedEntry
{
    QByteArray line;
    QDateTime timestamp;
    QString kind; // "original" or "snapshot": what the sender posted
    // The sender's "entry_id" (entryid.h), when it sent one: the receiver
    // stores an identity once.
    std::optional<EntryId> id;
};

// Validates a POSTed body and makes the line to store. Accepts the original's
// LogEntry ({"timestamp", "sysinfo"[, "source"][, "snapshot"]}; sysinfo is
// checked with parseKmodJson) and Stevedore's own snapshot JSON ({"timestamp",
// "system", "containers", ...}; checked with snapshotFromJson). On failure
// returns false and `error` names the problem (JSON syntax with the byte
// offset, or the field that is wrong).
// Never throws and never recurses deeper than kMaxEntryDepth: a document
// nested deeper is refused before it is built (the text overload) or before
// it is walked (the json overload).
constexpr int kMaxEntryDepth = 64;
bool normaliseLogEntry(const QByteArray& body, NormalisedEntry& out, QString* error);
bool normaliseLogEntry(const nlohmann::json& doc, NormalisedEntry& out, QString* error);

int jsonDepth(const nlohmann::json& doc, int stopAt);

// What the reporter POSTs for one tick: the original's LogEntry made from the
// snapshot plus the snapshot itself under "snapshot", and the entry's
// identity under "entry_id" when given.
nlohmann::json reportEntry(const Snapshot& snapshot, const std::optional<EntryId>& id = std::nullopt);
QByteArray reportEntryBytes(const Snapshot& snapshot, const std::optional<EntryId>& id = std::nullopt);
