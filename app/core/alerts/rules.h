#pragma once

#include "core/model/category.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

// Alert rules (docs/alerts.md): what to watch, when to fire, what to do.
// Pure data and a pure parser: no I/O besides loadRules() reading the file.

enum class AlertMetric {
    CpuPercent, // 100 = one core, as docker stats shows it
    MemoryBytes, // working set
    MemoryPercent, // of host memory
    DiskReadBytesPerSec,
    DiskWriteBytesPerSec,
    Restarting, // 1 while Docker says "restarting", else 0
    ExitedNonZero, // the exit code while "exited" with a non-zero code, else 0
};
QString alertMetricName(AlertMetric metric); // "cpu_percent", ...
std::optional<AlertMetric> alertMetricFromName(const QString& name);

enum class AlertComparison { Greater, GreaterOrEqual, Less, LessOrEqual, Equal, NotEqual };
QString alertComparisonName(AlertComparison op); // ">", ">=", ...
std::optional<AlertComparison> alertComparisonFromName(const QString& name);
bool alertCompare(AlertComparison op, double value, double threshold);

enum class AlertSeverity { Info, Warning, Critical };
QString alertSeverityName(AlertSeverity severity);
std::optional<AlertSeverity> alertSeverityFromName(const QString& name);

struct AlertAction
{
    enum class Type {
        Webhook, // POST the alert's JSON to `url`, on fire and on resolve
        Stop, // docker stop, on fire, managed containers only
        Pause, // docker pause, on fire, managed containers only
        Kill, // docker rm -f (the window's Kill), on fire, managed containers only
    };
    Type type = Type::Webhook;
    QUrl url; // Webhook
    bool isContainerAction() const { return type != Type::Webhook; }
};
QString alertActionName(AlertAction::Type type);

// Which containers a rule looks at. Every given field must match.
struct AlertSelector
{
    std::optional<Category> category; // by stevedore.category or command line
    QHash<QString, QString> labels; // each label present with this value ("" = any value)
    QString namePattern; // shell wildcard on the container name ("stress-*"); empty: any
    std::optional<bool> managed; // stevedore.managed=true or not

    bool matches(const QString& name, Category category, const QHash<QString, QString>& labels, bool managed) const;
};

struct AlertRule
{
    QString name; // unique in the file; the alert's identity
    QString description;
    bool enabled = true;
    AlertSelector select;
    AlertMetric metric = AlertMetric::CpuPercent;
    AlertComparison comparison = AlertComparison::Greater;
    double threshold = 0;
    double forSeconds = 0; // the condition must hold this long before firing
    // Hysteresis: a firing alert resolves only when the value no longer
    // passes `clearThreshold` (default: the threshold) for `clearForSeconds`.
    std::optional<double> clearThreshold;
    double clearForSeconds = 0;
    AlertSeverity severity = AlertSeverity::Warning;
    QList<AlertAction> actions;

    double effectiveClearThreshold() const { return clearThreshold.value_or(threshold); }
    bool operator==(const AlertRule& o) const;
};

struct RuleSet
{
    QList<AlertRule> rules;
    QString origin; // the file, or "built-in defaults"
};

// Why a rules file was refused. `line` is 1-based, 0 when unknown.
struct RulesError
{
    enum class Kind {
        Io, // cannot read the file
        Syntax, // not JSON
        UnknownKey, // a key the schema does not have: `key` names it
        MissingKey,
        BadValue, // a known key with a wrong type or value
        DuplicateKey,
    };
    Kind kind = Kind::Syntax;
    int line = 0;
    QString key;
    QString message; // complete, human-readable ("line 7: unknown key \"treshold\" in rule \"cpu\"")
};

std::optional<RuleSet> parseRules(const QByteArray& text, RulesError* error);
// Reads and parses `path`. A missing file is an Io error.
std::optional<RuleSet> loadRules(const QString& path, RulesError* error);
// The rules used when the default rules file does not exist (the same as
// packaging/prometheus/stevedore-rules.yml).
RuleSet defaultRules();
QByteArray defaultRulesJson();
