#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

// The idempotency identity of a reported entry (issue 14):
//   "entry_id": {"host_id": "<sender's /etc/machine-id>", "run": "<random id
//   of the sender's process>", "seq": <1, 2, 3, ... within that run>}
// The reporter stamps it on every entry it makes; the receiver stores it and
// skips an entry whose identity it already holds, so an entry resent after a
// lost 201 (receiver killed, connection cut) is stored once. A new process is
// a new run: its sequence starts again at 1 without colliding with the last.
struct EntryId
{
    QString hostId; // may be empty (no machine id): the run alone is unique
    QString run;
    qint64 seq = 0;

    bool operator==(const EntryId& other) const
    {
        return seq == other.seq && run == other.run && hostId == other.hostId;
    }
};

// Identities are short and plain, so a stored line can be scanned for them
// without parsing it (entryIdFromStoredLine): letters, digits and . _ : -.
constexpr int kMaxEntryIdText = 128;
constexpr qint64 kMaxEntrySeq = (qint64(1) << 53); // exact in every JSON reader

// `text` with what an identity may not hold left out, cut to
// kMaxEntryIdText: a machine id read from a file must never make every entry
// of a host invalid.
QString entryIdText(const QString& text);

nlohmann::json entryIdToJson(const EntryId& id);
// `value` is the "entry_id" member. False with `error` naming what is wrong.
bool entryIdFromJson(const nlohmann::json& value, EntryId& out, QString* error);

// The "entry_id" of a line the store holds, found without parsing the whole
// line: Stevedore writes it before "sysinfo" (logentry.cpp, makeLine). False
// when the line has none (the original's entries, or a line written by
// something else).
bool entryIdFromStoredLine(const QByteArray& line, EntryId& out);
