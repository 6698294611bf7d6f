#pragma once

// The chart tests' fixtures as Snapshots. A JSON Lines fixture is a store
// file: it is read through the store's own reader (readSnapshots), as the
// program reads the store. The original's logs.json (one JSON array) is
// converted entry by entry with snapshotFromLogEntry, the function the store
// reader uses for each line.

#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"
#include "core/store/logstore.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtGlobal>

inline QList<Snapshot> loadFixtureEntries(const QString& path)
{
    QList<Snapshot> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", qPrintable(path));
    const QByteArray data = file.readAll();
    if (data.trimmed().startsWith('[')) {
        const auto doc = nlohmann::json::parse(data.constBegin(), data.constEnd(), nullptr, false);
        if (!doc.is_array())
            qFatal("fixture %s is not a JSON array", qPrintable(path));
        for (const auto& entry : doc) {
            Snapshot s;
            if (!snapshotFromLogEntry(entry, s, nullptr))
                qFatal("fixture %s holds an entry that does not parse", qPrintable(path));
            out.append(std::move(s));
        }
        return out;
    }
    QTemporaryDir store;
    if (!store.isValid() || !QFile::copy(path, store.filePath(LogStore::fileName())))
        qFatal("cannot copy fixture %s into a store", qPrintable(path));
    QString error;
    out = readSnapshots(store.path(), LogQuery(), &error);
    if (!error.isEmpty())
        qFatal("%s", qPrintable(error));
    return out;
}
