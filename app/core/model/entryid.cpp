#include "core/model/entryid.h"

using nlohmann::json;

namespace {
bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool plainText(const std::string& text)
{
    if (text.size() > size_t(kMaxEntryIdText))
        return false;
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == ':' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}
} // namespace

QString entryIdText(const QString& text)
{
    QString out;
    for (const QChar c : text) {
        const char l = c.toLatin1();
        if (c.unicode() < 128 && plainText(std::string(1, l)))
            out.append(c);
        if (out.size() == kMaxEntryIdText)
            break;
    }
    return out;
}

json entryIdToJson(const EntryId& id)
{
    return { { "host_id", id.hostId.toStdString() }, { "run", id.run.toStdString() }, { "seq", id.seq } };
}

bool entryIdFromJson(const json& value, EntryId& out, QString* error)
{
    if (!value.is_object())
        return fail(error, QStringLiteral("field 'entry_id' must be an object {\"host_id\", \"run\", \"seq\"}"));
    const auto hostId = value.find("host_id");
    if (hostId != value.end() && !hostId->is_string())
        return fail(error, QStringLiteral("field 'entry_id.host_id' must be a string"));
    const auto run = value.find("run");
    if (run == value.end() || !run->is_string() || run->get_ref<const std::string&>().empty())
        return fail(error, QStringLiteral("field 'entry_id.run' must be a non-empty string"));
    const auto seq = value.find("seq");
    if (seq == value.end() || !seq->is_number_integer())
        return fail(error, QStringLiteral("field 'entry_id.seq' must be a whole number"));
    const std::string hostText = hostId == value.end() ? std::string() : hostId->get<std::string>();
    if (!plainText(hostText) || !plainText(run->get_ref<const std::string&>()))
        return fail(error,
                    QStringLiteral("fields 'entry_id.host_id' and 'entry_id.run' take at most %1 letters, digits "
                                   "and . _ : -")
                        .arg(kMaxEntryIdText));
    const qint64 n = seq->is_number_unsigned()
        ? (seq->get<quint64>() > quint64(kMaxEntrySeq) ? -1 : qint64(seq->get<quint64>()))
        : seq->get<qint64>();
    if (n < 1 || n > kMaxEntrySeq)
        return fail(error, QStringLiteral("field 'entry_id.seq' must be from 1 to 2^53"));
    out.hostId = QString::fromStdString(hostText);
    out.run = QString::fromStdString(run->get<std::string>());
    out.seq = n;
    return true;
}

bool entryIdFromStoredLine(const QByteArray& line, EntryId& out)
{
    // Only the part before "sysinfo": there the key can only be Stevedore's
    // own (the host object and the strings before it cannot hold an
    // unescaped quote), whatever a sender put in its snapshot.
    static const QByteArray key = QByteArrayLiteral(",\"entry_id\":{");
    static const QByteArray sysinfo = QByteArrayLiteral(",\"sysinfo\":");
    const qsizetype end = line.indexOf(sysinfo);
    const qsizetype at = line.indexOf(key);
    if (at < 0 || (end >= 0 && at > end))
        return false;
    const qsizetype open = at + key.size() - 1;
    // The object holds plain strings and a number: its first '}' closes it.
    const qsizetype close = line.indexOf('}', open);
    if (close < 0 || close - open > 4 * kMaxEntryIdText)
        return false;
    const auto doc = json::parse(line.constData() + open, line.constData() + close + 1, nullptr, false);
    return entryIdFromJson(doc, out, nullptr);
}
