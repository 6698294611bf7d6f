#include "kmodjson.h"

#include "util/jsondepth.h"

#include <QDateTime>

#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

using nlohmann::json;

namespace {
constexpr quint64 kMiB = 1024 * 1024;

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// The module's document as the schema needs it, without a DOM: at 1000
// containers nlohmann's DOM (a std::map and a std::string per field, about
// 20 fields per container) cost most of the read, more than reading the
// cgroup files it replaces. The SAX events fill fixed slots for the fields
// the schema knows; everything else is skipped as it streams by. Duplicate
// keys keep the last value, as nlohmann's DOM does, and validation runs on
// the whole document afterwards, so the errors are those of the DOM parser.
enum class Kind : quint8 { Missing, Null, Bool, Int, Uint, Float, String, Object, Array };

struct Value
{
    Kind kind = Kind::Missing;
    qint64 i = 0;
    quint64 u = 0;
    double d = 0;
    std::string s;
};

// Field names per object, in slot order.
constexpr std::string_view kRootKeys[] = { "Memory", "Timestamp_ns", "Docker_Containers" };
enum RootKey { RMemory, RTimestamp, RList, RootKeyCount };
constexpr std::string_view kMemoryKeys[]
    = { "Total_Memory_MB",     "Free_Memory_MB",     "Used_Memory_MB",    "CPU_Usage_Percentage",
        "Available_Memory_MB", "Total_Memory_Bytes", "Free_Memory_Bytes", "Available_Memory_Bytes",
        "CPU_Count",           "CPU_Busy_ns",        "CPU_Total_ns" };
constexpr std::string_view kItemKeys[] = { "PID",
                                           "Name",
                                           "ContainerID",
                                           "Cmdline",
                                           "MemoryUsage_percent",
                                           "MemoryUsage_MB",
                                           "CPUUsage_percent",
                                           "DiskUse_MB",
                                           "Write_KBytes",
                                           "Read_KBytes",
                                           "IOReadOps",
                                           "IOWriteOps",
                                           "Cgroup",
                                           "CPU_Source",
                                           "Raw" };
enum ItemKey { IRaw = 14 };
constexpr std::string_view kRawKeys[]
    = { "cpu_ns", "rss_bytes", "memcg_bytes", "read_bytes", "write_bytes", "syscr", "syscw", "tasks" };

template<size_t N> int slotOf(const std::string_view (&keys)[N], std::string_view key)
{
    for (size_t k = 0; k < N; ++k) {
        if (keys[k] == key)
            return int(k);
    }
    return -1;
}

struct Item
{
    bool isObject = false;
    std::array<Value, std::size(kItemKeys)> f;
    std::array<Value, std::size(kRawKeys)> raw;
};

struct Doc
{
    Kind top = Kind::Missing;
    std::array<Value, RootKeyCount> root;
    std::array<Value, std::size(kMemoryKeys)> memory;
    std::vector<Item> items;
};

// nlohmann SAX handler filling a Doc.
class DocSax
{
public:
    explicit DocSax(Doc& doc)
        : m_doc(doc)
    { }

    bool null()
    {
        return scalar([](Value& v) { v.kind = Kind::Null; });
    }
    bool boolean(bool)
    {
        return scalar([](Value& v) { v.kind = Kind::Bool; });
    }
    bool number_integer(json::number_integer_t n)
    {
        return scalar([n](Value& v) {
            v.kind = Kind::Int;
            v.i = n;
        });
    }
    bool number_unsigned(json::number_unsigned_t n)
    {
        return scalar([n](Value& v) {
            v.kind = Kind::Uint;
            v.u = n;
        });
    }
    bool number_float(json::number_float_t n, const std::string&)
    {
        return scalar([n](Value& v) {
            v.kind = Kind::Float;
            v.d = n;
        });
    }
    bool string(std::string& text)
    {
        return scalar([&text](Value& v) {
            v.kind = Kind::String;
            v.s = std::move(text);
        });
    }
    bool binary(json::binary_t&)
    {
        return scalar([](Value& v) { v.kind = Kind::Null; });
    }

    bool key(std::string& name)
    {
        if (m_skip)
            return true;
        switch (m_stack.back()) {
        case Frame::Root:
            m_key = slotOf(kRootKeys, name);
            break;
        case Frame::Memory:
            m_key = slotOf(kMemoryKeys, name);
            break;
        case Frame::Item:
            m_key = slotOf(kItemKeys, name);
            break;
        case Frame::Raw:
            m_key = slotOf(kRawKeys, name);
            break;
        case Frame::List:
            break;
        }
        return true;
    }

    bool start_object(std::size_t) { return open(Kind::Object); }
    bool start_array(std::size_t) { return open(Kind::Array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex)
    {
        if (const auto* syntax = dynamic_cast<const json::parse_error*>(&ex))
            m_error
                = QStringLiteral("malformed JSON at byte %1: %2").arg(syntax->byte).arg(QString::fromUtf8(ex.what()));
        else // out_of_range (1e400): the text is not a document
            m_error = QStringLiteral("invalid JSON: %1").arg(QString::fromUtf8(ex.what()));
        return false;
    }

    const QString& error() const { return m_error; }

private:
    enum class Frame : quint8 { Root, Memory, List, Item, Raw };

    // The slot the next value goes to, or nullptr when nothing keeps it.
    Value* slot()
    {
        if (m_stack.empty())
            return nullptr;
        const int k = m_key;
        m_key = -1;
        switch (m_stack.back()) {
        case Frame::Root:
            return k < 0 ? nullptr : &m_doc.root[size_t(k)];
        case Frame::Memory:
            return k < 0 ? nullptr : &m_doc.memory[size_t(k)];
        case Frame::Item:
            return k < 0 ? nullptr : &m_doc.items.back().f[size_t(k)];
        case Frame::Raw:
            return k < 0 ? nullptr : &m_doc.items.back().raw[size_t(k)];
        case Frame::List:
            m_doc.items.emplace_back();
            return nullptr;
        }
        return nullptr;
    }

    template<typename Set> bool scalar(Set set)
    {
        if (m_skip)
            return true;
        if (m_stack.empty()) {
            m_doc.top = Kind::Null; // a scalar document: not an object
            return true;
        }
        if (Value* v = slot()) {
            *v = Value();
            set(*v);
        }
        return true;
    }

    bool open(Kind kind)
    {
        // The cap holds inside skipped values too: nothing deeper is read.
        if (++m_depth > kKmodJsonMaxDepth) {
            m_error = QStringLiteral("JSON nested deeper than %1 levels").arg(kKmodJsonMaxDepth);
            return false;
        }
        if (m_skip) {
            ++m_skip;
            return true;
        }
        if (m_stack.empty()) {
            m_doc.top = kind;
            if (kind == Kind::Object)
                m_stack.push_back(Frame::Root);
            else
                m_skip = 1;
            return true;
        }
        const Frame at = m_stack.back();
        const int k = m_key;
        Value* v = slot();
        if (v) {
            *v = Value();
            v->kind = kind;
        }
        // Descend only into the objects and arrays of the schema; a later
        // duplicate replaces what an earlier one left.
        if (at == Frame::Root && k == RMemory && kind == Kind::Object) {
            m_doc.memory = {};
            m_stack.push_back(Frame::Memory);
        } else if (at == Frame::Root && k == RList && kind == Kind::Array) {
            m_doc.items.clear();
            m_stack.push_back(Frame::List);
        } else if (at == Frame::List && kind == Kind::Object) {
            m_doc.items.back().isObject = true;
            m_stack.push_back(Frame::Item);
        } else if (at == Frame::Item && k == IRaw && kind == Kind::Object) {
            m_doc.items.back().raw = {};
            m_stack.push_back(Frame::Raw);
        } else {
            m_skip = 1;
        }
        return true;
    }

    bool close()
    {
        --m_depth;
        if (m_skip)
            --m_skip;
        else if (!m_stack.empty())
            m_stack.pop_back();
        return true;
    }

    Doc& m_doc;
    std::vector<Frame> m_stack;
    int m_key = -1;
    int m_skip = 0; // depth inside a skipped value
    int m_depth = 0;
    QString m_error;
};

// The same Doc from an nlohmann DOM (a log entry's "sysinfo").
void fillValue(const json& j, Value& v)
{
    v = Value();
    switch (j.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
    case json::value_t::binary:
        v.kind = Kind::Null;
        break;
    case json::value_t::boolean:
        v.kind = Kind::Bool;
        break;
    case json::value_t::number_integer:
        v.kind = Kind::Int;
        v.i = j.get<qint64>();
        break;
    case json::value_t::number_unsigned:
        v.kind = Kind::Uint;
        v.u = j.get<quint64>();
        break;
    case json::value_t::number_float:
        v.kind = Kind::Float;
        v.d = j.get<double>();
        break;
    case json::value_t::string:
        v.kind = Kind::String;
        v.s = j.get<std::string>();
        break;
    case json::value_t::object:
        v.kind = Kind::Object;
        break;
    case json::value_t::array:
        v.kind = Kind::Array;
        break;
    }
}

template<size_t N, size_t M>
void fillFields(const json& obj, const std::string_view (&keys)[N], std::array<Value, M>& out)
{
    for (size_t k = 0; k < N; ++k) {
        const auto it = obj.find(std::string(keys[k]));
        if (it != obj.end())
            fillValue(*it, out[k]);
    }
}

void docFromJson(const json& j, Doc& doc)
{
    if (!j.is_object()) {
        doc.top = j.is_array() ? Kind::Array : Kind::Null;
        return;
    }
    doc.top = Kind::Object;
    fillFields(j, kRootKeys, doc.root);
    if (const auto mem = j.find("Memory"); mem != j.end() && mem->is_object())
        fillFields(*mem, kMemoryKeys, doc.memory);
    if (const auto list = j.find("Docker_Containers"); list != j.end() && list->is_array()) {
        doc.items.reserve(list->size());
        for (const json& item : *list) {
            Item& it = doc.items.emplace_back();
            it.isObject = item.is_object();
            if (!it.isObject)
                continue;
            fillFields(item, kItemKeys, it.f);
            if (const auto raw = item.find("Raw"); raw != item.end() && raw->is_object())
                fillFields(*raw, kRawKeys, it.raw);
        }
    }
}

template<size_t N>
const Value& get(const std::array<Value, N>& fields, const std::string_view (&keys)[N], std::string_view key)
{
    return fields[size_t(slotOf(keys, key))];
}

// Reads a numeric field; negative, non-numeric or out-of-range values are
// errors, a missing optional field leaves `out` untouched.
template<typename T>
bool num(const Value& v, const char* key, const QString& where, T& out, bool required, QString* error)
{
    if (v.kind == Kind::Missing || v.kind == Kind::Null) {
        if (required)
            return fail(error, QStringLiteral("%1.%2 is missing").arg(where, QLatin1String(key)));
        return true;
    }
    if (v.kind != Kind::Int && v.kind != Kind::Uint && v.kind != Kind::Float)
        return fail(error, QStringLiteral("%1.%2 must be a number").arg(where, QLatin1String(key)));
    // Built only on failure: this runs for every field of every container.
    const auto outOfRange = [&] {
        return fail(error, QStringLiteral("%1.%2 is out of range").arg(where, QLatin1String(key)));
    };
    if (v.kind == Kind::Float) {
        const double d = v.d;
        if (!std::isfinite(d))
            return outOfRange();
        if (d < 0)
            return fail(error, QStringLiteral("%1.%2 must not be negative").arg(where, QLatin1String(key)));
        // Converting a double beyond T's range is undefined behaviour.
        if (d >= double(std::numeric_limits<T>::max()))
            return outOfRange();
        out = T(d);
        return true;
    }
    if (v.kind == Kind::Int) {
        const qint64 n = v.i;
        if (n < 0)
            return fail(error, QStringLiteral("%1.%2 must not be negative").arg(where, QLatin1String(key)));
        if constexpr (std::is_integral_v<T>) {
            if (quint64(n) > quint64(std::numeric_limits<T>::max()))
                return outOfRange();
        }
        out = T(n);
        return true;
    }
    const quint64 n = v.u;
    if constexpr (std::is_integral_v<T>) {
        if (n > quint64(std::numeric_limits<T>::max()))
            return outOfRange();
    }
    out = T(n);
    return true;
}

bool str(const Value& v, const char* key, const QString& where, QString& out, bool required, QString* error)
{
    if (v.kind == Kind::Missing || v.kind == Kind::Null) {
        if (required)
            return fail(error, QStringLiteral("%1.%2 is missing").arg(where, QLatin1String(key)));
        return true;
    }
    if (v.kind != Kind::String)
        return fail(error, QStringLiteral("%1.%2 must be a string").arg(where, QLatin1String(key)));
    out = QString::fromStdString(v.s);
    return true;
}

bool parseDocument(const Doc& doc, RawSample& out, QString* error);
} // namespace

bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error)
{
    try {
        // nlohmann's SAX parser keeps its nesting on a heap bit-stack (no
        // recursion), and DocSax stops at kKmodJsonMaxDepth.
        Doc doc;
        DocSax sax(doc);
        if (!json::sax_parse(text.constBegin(), text.constEnd(), &sax)) {
            // Text nested too deep is reported as such even where its syntax
            // breaks first ("{{{{..."), as the log entries' parser does:
            // counted only on failure, it costs a valid document nothing.
            if (jsonTextDepth(text, kKmodJsonMaxDepth) > kKmodJsonMaxDepth)
                return fail(error, QStringLiteral("JSON nested deeper than %1 levels").arg(kKmodJsonMaxDepth));
            return fail(error, sax.error().isEmpty() ? QStringLiteral("malformed JSON") : sax.error());
        }
        return parseDocument(doc, out, error);
    } catch (const json::exception& e) {
        return fail(error, QStringLiteral("invalid JSON: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("cannot parse: %1").arg(QString::fromUtf8(e.what())));
    }
}

bool parseKmodJson(const json& json, RawSample& out, QString* error)
{
    try {
        Doc doc;
        docFromJson(json, doc);
        return parseDocument(doc, out, error);
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("invalid document: %1").arg(QString::fromUtf8(e.what())));
    }
}

namespace {
bool parseDocument(const Doc& doc, RawSample& out, QString* error)
{
    if (doc.top != Kind::Object)
        return fail(error, QStringLiteral("top level must be an object with Memory and Docker_Containers"));
    if (doc.root[RMemory].kind != Kind::Object)
        return fail(error, QStringLiteral("Memory must be an object"));
    const auto& mem = doc.memory;
    const auto M = [&](const char* key) -> const Value& {
        return get(mem, kMemoryKeys, key);
    };
    const QString m = QStringLiteral("Memory");

    RawSample s;
    s.source = QStringLiteral("kmod");
    s.wallTime = QDateTime::currentDateTimeUtc();

    quint64 totalMb = 0, freeMb = 0, usedMb = 0, availMb = 0;
    double cpu = 0;
    if (!num(M("Total_Memory_MB"), "Total_Memory_MB", m, totalMb, true, error)
        || !num(M("Free_Memory_MB"), "Free_Memory_MB", m, freeMb, true, error)
        || !num(M("Used_Memory_MB"), "Used_Memory_MB", m, usedMb, true, error)
        || !num(M("CPU_Usage_Percentage"), "CPU_Usage_Percentage", m, cpu, true, error)
        || !num(M("Available_Memory_MB"), "Available_Memory_MB", m, availMb, false, error))
        return false;
    RawHost& h = s.host;
    h.memoryTotalBytes = totalMb * kMiB;
    h.memoryFreeBytes = freeMb * kMiB;
    // In the original's schema "free" is what is left for programs: used + free = total.
    h.memoryAvailableBytes = (availMb ? availMb : freeMb) * kMiB;
    h.reportedCpuPercent = cpu;
    if (!num(M("Total_Memory_Bytes"), "Total_Memory_Bytes", m, h.memoryTotalBytes, false, error)
        || !num(M("Free_Memory_Bytes"), "Free_Memory_Bytes", m, h.memoryFreeBytes, false, error)
        || !num(M("Available_Memory_Bytes"), "Available_Memory_Bytes", m, h.memoryAvailableBytes, false, error)
        || !num(M("CPU_Count"), "CPU_Count", m, h.cpuCount, false, error))
        return false;
    if (M("CPU_Busy_ns").kind != Kind::Missing && M("CPU_Total_ns").kind != Kind::Missing) {
        if (!num(M("CPU_Busy_ns"), "CPU_Busy_ns", m, h.cpuBusy, true, error)
            || !num(M("CPU_Total_ns"), "CPU_Total_ns", m, h.cpuTotal, true, error))
            return false;
        h.hasCpuCounters = true;
    }
    if (!num(doc.root[RTimestamp], "Timestamp_ns", QStringLiteral("(root)"), s.monotonicNs, false, error))
        return false;

    if (doc.root[RList].kind != Kind::Array)
        return fail(error, QStringLiteral("Docker_Containers must be an array"));
    int index = 0;
    s.containers.reserve(qsizetype(doc.items.size()));
    for (const Item& item : doc.items) {
        const QString w = QStringLiteral("Docker_Containers[%1]").arg(index++);
        if (!item.isObject)
            return fail(error, w + QLatin1String(" must be an object"));
        const auto I = [&](const char* key) -> const Value& {
            return get(item.f, kItemKeys, key);
        };
        RawContainer c;
        quint64 memMb = 0, writeKb = 0, readKb = 0, diskMb = 0;
        double cpuPct = 0, memPct = 0;
        if (!num(I("PID"), "PID", w, c.pid, true, error) || !str(I("Name"), "Name", w, c.processName, true, error)
            || !str(I("ContainerID"), "ContainerID", w, c.id, true, error)
            || !str(I("Cmdline"), "Cmdline", w, c.cmdline, false, error)
            || !num(I("MemoryUsage_percent"), "MemoryUsage_percent", w, memPct, true, error)
            || !num(I("MemoryUsage_MB"), "MemoryUsage_MB", w, memMb, true, error)
            || !num(I("CPUUsage_percent"), "CPUUsage_percent", w, cpuPct, true, error)
            || !num(I("DiskUse_MB"), "DiskUse_MB", w, diskMb, false, error)
            || !num(I("Write_KBytes"), "Write_KBytes", w, writeKb, true, error)
            || !num(I("Read_KBytes"), "Read_KBytes", w, readKb, true, error)
            || !num(I("IOReadOps"), "IOReadOps", w, c.raw.readOps, true, error)
            || !num(I("IOWriteOps"), "IOWriteOps", w, c.raw.writeOps, true, error)
            || !str(I("Cgroup"), "Cgroup", w, c.cgroupPath, false, error))
            return false;
        if (c.id.isEmpty())
            return fail(error, w + QLatin1String(".ContainerID must not be empty"));
        c.cmdline = c.cmdline.trimmed();
        // The module's additions: where CPU time comes from ("cgroup": the
        // container cgroup's own counter, exited tasks included; "tasks":
        // live tasks only) is not needed to compute figures, so only checked.
        QString cpuSource;
        if (!str(I("CPU_Source"), "CPU_Source", w, cpuSource, false, error))
            return false;
        c.reportedCpuPercent = cpuPct;
        c.reportedMemoryPercent = memPct;
        const Value& rawKind = item.f[IRaw];
        if (rawKind.kind == Kind::Object) {
            const auto R = [&](const char* key) -> const Value& {
                return get(item.raw, kRawKeys, key);
            };
            const QString rw = w + QLatin1String(".Raw");
            quint64 memcg = 0;
            if (!num(R("cpu_ns"), "cpu_ns", rw, c.raw.cpuNs, true, error)
                || !num(R("rss_bytes"), "rss_bytes", rw, c.raw.rssBytes, false, error)
                || !num(R("memcg_bytes"), "memcg_bytes", rw, memcg, false, error)
                || !num(R("read_bytes"), "read_bytes", rw, c.raw.readBytes, true, error)
                || !num(R("write_bytes"), "write_bytes", rw, c.raw.writeBytes, true, error)
                || !num(R("syscr"), "syscr", rw, c.raw.readOps, false, error)
                || !num(R("syscw"), "syscw", rw, c.raw.writeOps, false, error)
                || !num(R("tasks"), "tasks", rw, c.raw.tasks, false, error))
                return false;
            c.raw.memoryUsageBytes = memcg;
            c.raw.memoryBytes = memcg ? memcg : c.raw.rssBytes;
            c.hasCounters = true;
            c.ioSource = IoSource::Kmod;
        } else if (rawKind.kind != Kind::Missing && rawKind.kind != Kind::Null) {
            return fail(error, w + QLatin1String(".Raw must be an object"));
        } else {
            // The original's module: only rounded figures, no counters to diff.
            c.hasCounters = false;
            c.raw.memoryBytes = memMb * kMiB;
            c.raw.readBytes = readKb * 1024;
            c.raw.writeBytes = writeKb * 1024;
            c.ioSource = IoSource::Reported;
        }
        s.containers.append(std::move(c));
    }
    out = std::move(s);
    return true;
}
} // namespace
