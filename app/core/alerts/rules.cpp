#include "core/alerts/rules.h"

#include "core/util/jsondepth.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>

#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

using Json = nlohmann::ordered_json;

namespace {
struct NamePair
{
    AlertMetric metric;
    const char* name;
};
constexpr NamePair metricNames[] = {
    { AlertMetric::CpuPercent, "cpu_percent" },
    { AlertMetric::MemoryBytes, "memory_bytes" },
    { AlertMetric::MemoryPercent, "memory_percent" },
    { AlertMetric::DiskReadBytesPerSec, "disk_read_bytes_per_second" },
    { AlertMetric::DiskWriteBytesPerSec, "disk_write_bytes_per_second" },
    { AlertMetric::Restarting, "restarting" },
    { AlertMetric::ExitedNonZero, "exited_nonzero" },
};
constexpr const char* comparisonNames[] = { ">", ">=", "<", "<=", "==", "!=" };
constexpr const char* severityNames[] = { "info", "warning", "critical" };
constexpr const char* actionNames[] = { "webhook", "stop", "pause", "kill" };

// Where each object key of a JSON text starts, in document order, so a
// refusal can name the line. nlohmann::json keeps no positions; walking the
// parsed ordered_json in document order visits the keys in this same order
// (duplicates, which would break that, are refused here first).
struct KeyScan
{
    std::vector<int> lines;
    QString duplicate;
    int duplicateLine = 0;
};

KeyScan scanKeys(const QByteArray& text)
{
    KeyScan scan;
    struct Level
    {
        bool object;
        bool expectKey;
        QSet<QByteArray> keys;
    };
    QList<Level> stack;
    int line = 1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '\n') {
            ++line;
        } else if (c == '{' || c == '[') {
            stack.append({ c == '{', c == '{', {} });
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        } else if (c == ',') {
            if (!stack.isEmpty() && stack.last().object)
                stack.last().expectKey = true;
        } else if (c == '"') {
            const int startLine = line;
            QByteArray raw;
            for (++i; i < text.size() && text.at(i) != '"'; ++i) {
                if (text.at(i) == '\\' && i + 1 < text.size())
                    raw.append(text.at(i++));
                if (text.at(i) == '\n')
                    ++line;
                raw.append(text.at(i));
            }
            if (!stack.isEmpty() && stack.last().object && stack.last().expectKey) {
                stack.last().expectKey = false;
                scan.lines.push_back(startLine);
                if (stack.last().keys.contains(raw) && scan.duplicate.isEmpty()) {
                    scan.duplicate = QString::fromUtf8(raw);
                    scan.duplicateLine = startLine;
                }
                stack.last().keys.insert(raw);
            }
        }
    }
    return scan;
}

QStringList names(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* n : list)
        out << QLatin1String(n);
    return out;
}

int countKeys(const Json& value)
{
    int n = 0;
    if (value.is_object()) {
        for (const auto& item : value.items())
            n += 1 + countKeys(item.value());
    } else if (value.is_array()) {
        for (const auto& v : value)
            n += countKeys(v);
    }
    return n;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// Walks the document, consuming KeyScan lines in document order.
class Reader
{
public:
    Reader(const KeyScan& scan, RulesError* error)
        : m_scan(scan)
        , m_error(error)
    { }

    bool fail(RulesError::Kind kind, int line, const QString& key, const QString& what)
    {
        if (m_error) {
            m_error->kind = kind;
            m_error->line = line;
            m_error->key = key;
            m_error->message = line > 0 ? QStringLiteral("line %1: %2").arg(line).arg(what) : what;
        }
        return false;
    }
    int lineOf(int cursor) const
    {
        return cursor >= 0 && size_t(cursor) < m_scan.lines.size() ? m_scan.lines[cursor] : 0;
    }

    // Calls `field(key, value, line, cursorOfValue)` for every key of an
    // object; refuses keys not in `known`.
    template<typename F>
    bool object(const Json& obj, int cursor, const QStringList& known, const QString& where, F field)
    {
        for (const auto& item : obj.items()) {
            const QString key = q(item.key());
            const int line = lineOf(cursor);
            if (!known.contains(key))
                return fail(RulesError::Kind::UnknownKey, line, key,
                            QStringLiteral("unknown key \"%1\" in %2 (known keys: %3)")
                                .arg(key, where, known.join(QStringLiteral(", "))));
            if (!field(key, item.value(), line, cursor + 1))
                return false;
            cursor += 1 + countKeys(item.value());
        }
        return true;
    }

    bool parseRule(const Json& obj, int cursor, int index, int ruleLine, AlertRule& rule)
    {
        const QString where = QStringLiteral("rule %1").arg(index + 1);
        if (!obj.is_object())
            return fail(RulesError::Kind::BadValue, ruleLine, QString(),
                        QStringLiteral("%1 is not an object").arg(where));
        // The name first, so later messages can say which rule.
        if (obj.contains("name") && obj["name"].is_string())
            rule.name = q(obj["name"].get<std::string>()).trimmed();
        const QString named = rule.name.isEmpty() ? where : QStringLiteral("rule \"%1\"").arg(rule.name);
        bool haveMetric = false, haveThreshold = false;
        const QStringList known = names({ "name", "description", "enabled", "select", "metric", "op", "threshold",
                                          "for", "clear_threshold", "clear_for", "severity", "actions" });
        const bool ok
            = object(obj, cursor, known, named, [&](const QString& key, const Json& v, int line, int inner) -> bool {
                  auto bad = [&](const QString& what) {
                      return fail(RulesError::Kind::BadValue, line, key,
                                  QStringLiteral("%1 of %2 %3").arg(key, named, what));
                  };
                  auto number = [&](double& out, double min) -> bool {
                      if (!v.is_number())
                          return bad(QStringLiteral("must be a number"));
                      out = v.get<double>();
                      if (!std::isfinite(out) || out < min)
                          return bad(QStringLiteral("must be a number from %1 on").arg(min));
                      return true;
                  };
                  if (key == QLatin1String("name")) {
                      if (!v.is_string() || rule.name.isEmpty())
                          return bad(QStringLiteral("must be a non-empty string"));
                  } else if (key == QLatin1String("description")) {
                      if (!v.is_string())
                          return bad(QStringLiteral("must be a string"));
                      rule.description = q(v.get<std::string>());
                  } else if (key == QLatin1String("enabled")) {
                      if (!v.is_boolean())
                          return bad(QStringLiteral("must be true or false"));
                      rule.enabled = v.get<bool>();
                  } else if (key == QLatin1String("select")) {
                      if (!v.is_object())
                          return bad(QStringLiteral("must be an object"));
                      return parseSelector(v, inner, named, rule.select);
                  } else if (key == QLatin1String("metric")) {
                      const auto m = v.is_string() ? alertMetricFromName(q(v.get<std::string>())) : std::nullopt;
                      if (!m) {
                          QStringList all;
                          for (const auto& p : metricNames)
                              all << QLatin1String(p.name);
                          return bad(QStringLiteral("must be one of %1").arg(all.join(QStringLiteral(", "))));
                      }
                      rule.metric = *m;
                      haveMetric = true;
                  } else if (key == QLatin1String("op")) {
                      const auto c = v.is_string() ? alertComparisonFromName(q(v.get<std::string>())) : std::nullopt;
                      if (!c)
                          return bad(QStringLiteral("must be one of >, >=, <, <=, ==, !="));
                      rule.comparison = *c;
                  } else if (key == QLatin1String("threshold")) {
                      if (!number(rule.threshold, -1e300))
                          return false;
                      haveThreshold = true;
                  } else if (key == QLatin1String("for")) {
                      return number(rule.forSeconds, 0);
                  } else if (key == QLatin1String("clear_threshold")) {
                      double t = 0;
                      if (!number(t, -1e300))
                          return false;
                      rule.clearThreshold = t;
                  } else if (key == QLatin1String("clear_for")) {
                      return number(rule.clearForSeconds, 0);
                  } else if (key == QLatin1String("severity")) {
                      const auto s = v.is_string() ? alertSeverityFromName(q(v.get<std::string>())) : std::nullopt;
                      if (!s)
                          return bad(QStringLiteral("must be info, warning or critical"));
                      rule.severity = *s;
                  } else if (key == QLatin1String("actions")) {
                      if (!v.is_array())
                          return bad(QStringLiteral("must be an array"));
                      int c = inner;
                      for (const Json& a : v) {
                          AlertAction action;
                          if (!parseAction(a, c, named, line, action))
                              return false;
                          rule.actions.append(action);
                          c += countKeys(a);
                      }
                  }
                  return true;
              });
        if (!ok)
            return false;
        if (rule.name.isEmpty())
            return fail(RulesError::Kind::MissingKey, ruleLine, QStringLiteral("name"),
                        QStringLiteral("%1 has no \"name\"").arg(where));
        if (!haveMetric)
            return fail(RulesError::Kind::MissingKey, ruleLine, QStringLiteral("metric"),
                        QStringLiteral("%1 has no \"metric\"").arg(named));
        const bool stateMetric = rule.metric == AlertMetric::Restarting || rule.metric == AlertMetric::ExitedNonZero;
        if (!haveThreshold && !stateMetric)
            return fail(RulesError::Kind::MissingKey, ruleLine, QStringLiteral("threshold"),
                        QStringLiteral("%1 has no \"threshold\"").arg(named));
        if (rule.clearThreshold) {
            // The clear threshold must lie on the "not firing" side, or the
            // alert would resolve while still firing.
            const bool upward
                = rule.comparison == AlertComparison::Greater || rule.comparison == AlertComparison::GreaterOrEqual;
            const bool downward
                = rule.comparison == AlertComparison::Less || rule.comparison == AlertComparison::LessOrEqual;
            if ((upward && *rule.clearThreshold > rule.threshold)
                || (downward && *rule.clearThreshold < rule.threshold))
                return fail(
                    RulesError::Kind::BadValue, ruleLine, QStringLiteral("clear_threshold"),
                    QStringLiteral("clear_threshold of %1 must be on the resolved side of the threshold").arg(named));
        }
        return true;
    }

    bool parseSelector(const Json& obj, int cursor, const QString& named, AlertSelector& s)
    {
        const QStringList known = names({ "category", "labels", "name", "managed" });
        return object(obj, cursor, known, QStringLiteral("\"select\" of %1").arg(named),
                      [&](const QString& key, const Json& v, int line, int inner) -> bool {
                          Q_UNUSED(inner);
                          auto bad = [&](const QString& what) {
                              return fail(RulesError::Kind::BadValue, line, key,
                                          QStringLiteral("select.%1 of %2 %3").arg(key, named, what));
                          };
                          if (key == QLatin1String("category")) {
                              const auto c = v.is_string() ? categoryFromName(q(v.get<std::string>())) : std::nullopt;
                              if (!c)
                                  return bad(QStringLiteral("must be cpu, ram, io, disk or other"));
                              s.category = *c;
                          } else if (key == QLatin1String("labels")) {
                              if (!v.is_object())
                                  return bad(QStringLiteral("must be an object of label: value"));
                              for (const auto& item : v.items()) {
                                  if (!item.value().is_string())
                                      return bad(QStringLiteral("values must be strings"));
                                  s.labels.insert(q(item.key()), q(item.value().get<std::string>()));
                              }
                          } else if (key == QLatin1String("name")) {
                              if (!v.is_string() || v.get<std::string>().empty())
                                  return bad(QStringLiteral("must be a non-empty wildcard pattern"));
                              s.namePattern = q(v.get<std::string>());
                          } else if (key == QLatin1String("managed")) {
                              if (!v.is_boolean())
                                  return bad(QStringLiteral("must be true or false"));
                              s.managed = v.get<bool>();
                          }
                          return true;
                      });
    }

    bool parseAction(const Json& obj, int cursor, const QString& named, int arrayLine, AlertAction& a)
    {
        if (!obj.is_object())
            return fail(RulesError::Kind::BadValue, arrayLine, QStringLiteral("actions"),
                        QStringLiteral("each action of %1 must be an object").arg(named));
        bool haveType = false;
        const int firstLine = lineOf(cursor);
        const bool ok = object(
            obj, cursor, names({ "type", "url" }), QStringLiteral("an action of %1").arg(named),
            [&](const QString& key, const Json& v, int line, int) -> bool {
                auto bad = [&](const QString& what) {
                    return fail(RulesError::Kind::BadValue, line, key,
                                QStringLiteral("action %1 of %2 %3").arg(key, named, what));
                };
                if (key == QLatin1String("type")) {
                    const QString name = v.is_string() ? q(v.get<std::string>()) : QString();
                    int i = 0;
                    for (; i < 4; ++i)
                        if (name == QLatin1String(actionNames[i]))
                            break;
                    if (i == 4)
                        return bad(QStringLiteral("must be webhook, stop, pause or kill"));
                    a.type = AlertAction::Type(i);
                    haveType = true;
                } else if (key == QLatin1String("url")) {
                    a.url = v.is_string() ? QUrl(q(v.get<std::string>()), QUrl::StrictMode) : QUrl();
                    if (!a.url.isValid()
                        || (a.url.scheme() != QLatin1String("http") && a.url.scheme() != QLatin1String("https"))
                        || a.url.host().isEmpty())
                        return bad(QStringLiteral("must be an http:// or https:// URL"));
                }
                return true;
            });
        if (!ok)
            return false;
        if (!haveType)
            return fail(RulesError::Kind::MissingKey, firstLine ? firstLine : arrayLine, QStringLiteral("type"),
                        QStringLiteral("an action of %1 has no \"type\"").arg(named));
        if (a.type == AlertAction::Type::Webhook && a.url.isEmpty())
            return fail(RulesError::Kind::MissingKey, firstLine ? firstLine : arrayLine, QStringLiteral("url"),
                        QStringLiteral("the webhook action of %1 has no \"url\"").arg(named));
        if (a.type != AlertAction::Type::Webhook && !a.url.isEmpty())
            return fail(RulesError::Kind::BadValue, firstLine, QStringLiteral("url"),
                        QStringLiteral("only a webhook action of %1 takes a \"url\"").arg(named));
        return true;
    }

private:
    const KeyScan& m_scan;
    RulesError* m_error;
};

int lineAt(const QByteArray& text, qsizetype byte)
{
    return 1 + int(text.left(byte).count('\n'));
}
} // namespace

QString alertMetricName(AlertMetric metric)
{
    for (const auto& p : metricNames)
        if (p.metric == metric)
            return QLatin1String(p.name);
    return QString();
}

std::optional<AlertMetric> alertMetricFromName(const QString& name)
{
    for (const auto& p : metricNames)
        if (name == QLatin1String(p.name))
            return p.metric;
    return std::nullopt;
}

QString alertComparisonName(AlertComparison op)
{
    return QLatin1String(comparisonNames[int(op)]);
}

std::optional<AlertComparison> alertComparisonFromName(const QString& name)
{
    for (int i = 0; i < 6; ++i)
        if (name == QLatin1String(comparisonNames[i]))
            return AlertComparison(i);
    return std::nullopt;
}

bool alertCompare(AlertComparison op, double value, double threshold)
{
    switch (op) {
    case AlertComparison::Greater:
        return value > threshold;
    case AlertComparison::GreaterOrEqual:
        return value >= threshold;
    case AlertComparison::Less:
        return value < threshold;
    case AlertComparison::LessOrEqual:
        return value <= threshold;
    case AlertComparison::Equal:
        return value == threshold;
    case AlertComparison::NotEqual:
        return value != threshold;
    }
    return false;
}

QString alertSeverityName(AlertSeverity severity)
{
    return QLatin1String(severityNames[int(severity)]);
}

std::optional<AlertSeverity> alertSeverityFromName(const QString& name)
{
    for (int i = 0; i < 3; ++i)
        if (name == QLatin1String(severityNames[i]))
            return AlertSeverity(i);
    return std::nullopt;
}

QString alertActionName(AlertAction::Type type)
{
    return QLatin1String(actionNames[int(type)]);
}

bool AlertSelector::matches(const QString& name, Category c, const QHash<QString, QString>& containerLabels,
                            bool isManaged) const
{
    if (category && *category != c)
        return false;
    if (managed && *managed != isManaged)
        return false;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        const auto found = containerLabels.constFind(it.key());
        if (found == containerLabels.cend() || (!it.value().isEmpty() && *found != it.value()))
            return false;
    }
    if (!namePattern.isEmpty()) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
            namePattern, QRegularExpression::UnanchoredWildcardConversion));
        const QRegularExpression anchored(QRegularExpression::anchoredPattern(re.pattern()));
        if (!anchored.match(name).hasMatch())
            return false;
    }
    return true;
}

bool AlertRule::operator==(const AlertRule& o) const
{
    auto sameActions = [&] {
        if (actions.size() != o.actions.size())
            return false;
        for (int i = 0; i < actions.size(); ++i)
            if (actions[i].type != o.actions[i].type || actions[i].url != o.actions[i].url)
                return false;
        return true;
    };
    return name == o.name && description == o.description && enabled == o.enabled
        && select.category == o.select.category && select.labels == o.select.labels
        && select.namePattern == o.select.namePattern && select.managed == o.select.managed && metric == o.metric
        && comparison == o.comparison && threshold == o.threshold && forSeconds == o.forSeconds
        && clearThreshold == o.clearThreshold && clearForSeconds == o.clearForSeconds && severity == o.severity
        && sameActions();
}

std::optional<RuleSet> parseRules(const QByteArray& text, RulesError* error)
{
    // A rules file nests five levels at most; nlohmann's parser and the walk
    // below recurse, so a hostile file must not reach them.
    constexpr int maxDepth = 16;
    if (jsonTextDepth(text, maxDepth) > maxDepth) {
        if (error) {
            error->kind = RulesError::Kind::Syntax;
            error->line = 0;
            error->key.clear();
            error->message = QStringLiteral("JSON nested deeper than %1 levels: not a rules file").arg(maxDepth);
        }
        return std::nullopt;
    }
    Json doc;
    try {
        doc = Json::parse(text.constData(), text.constData() + text.size());
    } catch (const Json::parse_error& e) {
        if (error) {
            error->kind = RulesError::Kind::Syntax;
            error->line = lineAt(text, qsizetype(e.byte > 0 ? e.byte - 1 : 0));
            error->key.clear();
            error->message
                = QStringLiteral("line %1: not valid JSON (%2)").arg(error->line).arg(QString::fromUtf8(e.what()));
        }
        return std::nullopt;
    } catch (const Json::exception& e) {
        // Numbers out of range (1e400) and the like: still not a rules file.
        if (error) {
            error->kind = RulesError::Kind::Syntax;
            error->line = 0;
            error->key.clear();
            error->message = QStringLiteral("not a usable JSON document (%1)").arg(QString::fromUtf8(e.what()));
        }
        return std::nullopt;
    }
    const KeyScan scan = scanKeys(text);
    Reader reader(scan, error);
    if (!scan.duplicate.isEmpty()) {
        reader.fail(RulesError::Kind::DuplicateKey, scan.duplicateLine, scan.duplicate,
                    QStringLiteral("key \"%1\" appears twice in the same object").arg(scan.duplicate));
        return std::nullopt;
    }
    if (!doc.is_object()) {
        reader.fail(RulesError::Kind::BadValue, 1, QString(),
                    QStringLiteral("a rules file is a JSON object with a \"rules\" array"));
        return std::nullopt;
    }
    RuleSet set;
    bool haveRules = false;
    const bool ok = reader.object(
        doc, 0, names({ "rules" }), QStringLiteral("the top level"),
        [&](const QString& key, const Json& v, int line, int inner) -> bool {
            if (!v.is_array())
                return reader.fail(RulesError::Kind::BadValue, line, key, QStringLiteral("\"rules\" must be an array"));
            haveRules = true;
            int cursor = inner;
            int index = 0;
            QSet<QString> names;
            for (const Json& r : v) {
                AlertRule rule;
                const int ruleLine = reader.lineOf(cursor) ? reader.lineOf(cursor) : line;
                if (!reader.parseRule(r, cursor, index, ruleLine, rule))
                    return false;
                if (names.contains(rule.name))
                    return reader.fail(RulesError::Kind::BadValue, ruleLine, QStringLiteral("name"),
                                       QStringLiteral("two rules are named \"%1\"").arg(rule.name));
                names.insert(rule.name);
                set.rules.append(rule);
                cursor += countKeys(r);
                ++index;
            }
            return true;
        });
    if (!ok)
        return std::nullopt;
    if (!haveRules) {
        reader.fail(RulesError::Kind::MissingKey, 1, QStringLiteral("rules"),
                    QStringLiteral("a rules file needs a \"rules\" array"));
        return std::nullopt;
    }
    return set;
}

std::optional<RuleSet> loadRules(const QString& path, RulesError* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
            error->kind = RulesError::Kind::Io;
            error->line = 0;
            error->key.clear();
            error->message = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        }
        return std::nullopt;
    }
    // A rules file is small; refuse something that is clearly not one.
    const QByteArray text = file.read(4 * 1024 * 1024 + 1);
    if (text.size() > 4 * 1024 * 1024) {
        if (error) {
            error->kind = RulesError::Kind::Io;
            error->line = 0;
            error->message = QStringLiteral("%1 is larger than 4 MiB").arg(path);
        }
        return std::nullopt;
    }
    auto set = parseRules(text, error);
    if (!set) {
        if (error)
            error->message = QStringLiteral("%1: %2").arg(path, error->message);
        return std::nullopt;
    }
    set->origin = path;
    return set;
}

QByteArray defaultRulesJson()
{
    // Kept equal to packaging/prometheus/stevedore-rules.yml and to the
    // example in docs/alerts.md (tst_rules checks they parse).
    return QByteArrayLiteral(R"({
  "rules": [
    {
      "name": "container-cpu-high",
      "description": "A container has used more than 90% of a core for 2 minutes",
      "metric": "cpu_percent", "op": ">", "threshold": 90, "clear_threshold": 80,
      "for": 120, "severity": "warning"
    },
    {
      "name": "container-memory-high",
      "description": "A container holds more than 80% of host memory for 1 minute",
      "metric": "memory_percent", "op": ">", "threshold": 80, "clear_threshold": 70,
      "for": 60, "severity": "critical"
    },
    {
      "name": "container-restarting",
      "description": "Docker is restarting a container",
      "metric": "restarting", "for": 30, "severity": "warning"
    },
    {
      "name": "container-exited-nonzero",
      "description": "A container exited with a non-zero code",
      "metric": "exited_nonzero", "severity": "info"
    }
  ]
}
)");
}

RuleSet defaultRules()
{
    RulesError error;
    auto set = parseRules(defaultRulesJson(), &error);
    Q_ASSERT(set);
    RuleSet out = set.value_or(RuleSet {});
    out.origin = QStringLiteral("built-in defaults");
    return out;
}
