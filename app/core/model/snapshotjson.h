#pragma once

#include "core/model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QByteArray>

// Stevedore's own snapshot JSON (docs/snapshot-schema.md), printed by
// `stevedore --once --json` and accepted by the log receiver.
nlohmann::json snapshotToJson(const Snapshot& snapshot);
QByteArray snapshotToJsonBytes(const Snapshot& snapshot, bool indented = true);
// Validates the shape (types of every field it reads); unknown fields are
// ignored. On failure returns false and says which field is wrong.
bool snapshotFromJson(const nlohmann::json& json, Snapshot& out, QString* error);

// The original's `sysinfo` object ({"Memory": {...}, "Docker_Containers": [...]})
// made from a snapshot, with Stevedore's extra fields alongside (Category,
// ContainerName, ...) that the original's consumers ignore.
nlohmann::json snapshotToOriginalSysinfo(const Snapshot& snapshot);
// The original's LogEntry: {"timestamp": RFC 3339, "sysinfo": {...}}.
nlohmann::json snapshotToLogEntry(const Snapshot& snapshot);

// The reverse: a stored or received LogEntry back into a Snapshot (what the
// charts and GET /metrics read). Accepts the original's entry and entries that
// carry Stevedore's own snapshot under "snapshot" (preferred when present).
bool snapshotFromLogEntry(const nlohmann::json& entry, Snapshot& out, QString* error);

// "host": {"name": ..., "id": ...}. hostFromJson accepts a missing field
// (out stays empty) and refuses anything but an object of strings.
nlohmann::json hostToJson(const HostIdentity& host);
bool hostFromJson(const nlohmann::json& parent, HostIdentity& out, QString* error);

QString toRfc3339(const QDateTime& time);
// RFC 3339 with or without fractional seconds, "Z" or a numeric offset.
QDateTime fromRfc3339(const std::string& text);
