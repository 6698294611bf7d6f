#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>

struct Snapshot;

// The receiver's own counters, exported beside the latest snapshot.
struct ReceiverCounters
{
    quint64 entriesStored = 0;
    quint64 entriesDuplicate = 0; // entry_id already held: answered 200, not stored again
    QMap<int, quint64> rejectedByStatus; // HTTP status -> count
    quint64 storeErrors = 0; // appends that failed (507/503)
    qint64 storeActiveBytes = 0;
    quint64 storeRotations = 0;
    int openConnections = 0;
    QMap<QString, quint64> connectionsCut; // reason (idle, oversize, ...) -> count
    quint64 chartRenders = 0;
    quint64 chartRenderErrors = 0;
};

// Prometheus text exposition format 0.0.4: one HELP and one TYPE line per
// family, all samples of a family together, label values escaped (\\, \",
// \n). `latest` may be null (nothing received yet): only the receiver's own
// metrics are written then.
QByteArray formatPrometheus(const Snapshot* latest, const ReceiverCounters& counters);

// The Content-Type to serve it with.
QByteArray prometheusContentType();

// Escapes a label value as the exposition format requires.
QByteArray prometheusLabelValue(const QString& value);
