#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

// One line of the audit trail: something the manager, the user or an alert
// rule did (or would have done, with --dry-run) to a container.
struct AuditRecord
{
    QDateTime time;
    QString kind; // "decision" (the manager), "action" (from the window), "alert"
    QString actor; // "manager", "user:<local user name>", "rule:<rule name>"
    QString action; // decision: keep/kill; action: kill/stop/pause; alert: firing/resolved
    QString result; // kept, removed, dry-run, failed, already-gone, refused, done
    QString reason;
    QString containerId;
    QString containerName;
    QString category;
    QString keptId; // a kill decision: the container its category kept
    QString rule; // alert records and the actions they triggered
    QString severity;
    std::optional<double> value;
    std::optional<double> threshold;
    QString error;

    QJsonObject toJson() const;
    static std::optional<AuditRecord> fromJson(const QJsonObject& object);
};
Q_DECLARE_METATYPE(AuditRecord)

// The audit trail: JSON Lines appended to <data-dir>/audit.jsonl, each
// record written with O_APPEND and fdatasync'd before append() returns (the
// trail is a few lines a minute at most, so every record pays for its own
// sync; the log store's rule of "on disk when the call says so"), rotated
// to audit.jsonl.1 .. .N when the active file would pass maxFileBytes. A
// line torn by a crash is skipped when reading, never fatal.
class AuditLog
{
public:
    explicit AuditLog(QString dataDir, qint64 maxFileBytes = 4 * 1024 * 1024, int keepFiles = 5);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    QString dataDir() const { return m_dir; }
    QString activePath() const;
    bool append(const AuditRecord& record, QString* error);
    QString lastError() const { return m_lastError; }

    // Every file of the trail, oldest first.
    static QStringList files(const QString& dataDir);
    // Records at or after `since` (invalid: all), the newest `limit` of them
    // (0: no limit), in chronological order. Unreadable lines are counted
    // in `skipped`.
    static QList<AuditRecord> read(const QString& dataDir, const QDateTime& since, int limit, int* skipped = nullptr);
    static QByteArray toJsonArray(const QList<AuditRecord>& records);

private:
    bool open(QString* error);
    bool rotate(QString* error);

    QString m_dir;
    qint64 m_maxFileBytes;
    int m_keepFiles;
    int m_fd = -1;
    qint64 m_size = 0;
    QString m_lastError;
};
