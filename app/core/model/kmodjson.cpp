#include "core/model/kmodjson.h"

#include "core/util/jsondepth.h"

#include <QDateTime>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
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
// cgroup files it replaces. The scanner's events (below) fill fixed slots
// for the fields the schema knows; everything else is skipped as it streams
// by. Duplicate
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
        // The first byte rules out most names before the comparison.
        if (keys[k].size() == key.size() && keys[k].front() == key.front() && keys[k] == key)
            return int(k);
    }
    return -1;
}

struct Item
{
    bool isObject = false;
    std::array<Value, std::size(kItemKeys)> f;
    std::array<Value, std::size(kRawKeys)> raw;
    // The record's bytes in the text ('{' to '}'), for KmodJsonReader.
    const char* begin = nullptr;
    const char* end = nullptr;
    int reused = -1; // index into the reader's previous records, or -1
};

struct Doc
{
    Kind top = Kind::Missing;
    std::array<Value, RootKeyCount> root;
    std::array<Value, std::size(kMemoryKeys)> memory;
    std::vector<Item> items;
};

// Fills a Doc from the scanner's events (the shape of nlohmann's SAX
// interface, which it replaced).
class DocSax
{
public:
    explicit DocSax(Doc& doc, const std::vector<KmodJsonReader::Record>* previous = nullptr)
        : m_doc(doc)
        , m_previous(previous)
    { }

    // The scanner's position, so that a container's record knows its bytes.
    void setCursor(const char* const* cursor) { m_cursor = cursor; }

    // At '{' (p) of a value: when it is an element of Docker_Containers whose
    // bytes are exactly one of the previous document's records, takes that
    // record and returns its length, which the scanner skips. The bytes of a
    // valid JSON object determine where it ends and what it holds, so
    // comparing them is the whole check. The record at the same index is
    // tried first, then its neighbours (one container came or went).
    size_t reuse(const char* p, const char* end)
    {
        if (!m_previous || m_previous->empty() || m_skip || m_stack.empty() || m_stack.back() != Frame::List
            || m_depth + 1 > kKmodJsonMaxDepth)
            return 0;
        const auto& previous = *m_previous;
        const long at = long(m_doc.items.size());
        for (const long k : { at, at + 1, at - 1 }) {
            if (k < 0 || k >= long(previous.size()))
                continue;
            const QByteArray& bytes = previous[size_t(k)].bytes;
            if (size_t(end - p) < size_t(bytes.size()) || std::memcmp(p, bytes.constData(), size_t(bytes.size())) != 0)
                continue;
            Item& item = m_doc.items.emplace_back();
            item.isObject = true;
            item.begin = p;
            item.end = p + bytes.size();
            item.reused = int(k);
            return size_t(bytes.size());
        }
        return 0;
    }

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
            // The scanner has stepped past the '{'.
            m_doc.items.back().begin = m_cursor ? *m_cursor - 1 : nullptr;
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
        if (m_skip) {
            --m_skip;
        } else if (!m_stack.empty()) {
            // The scanner has stepped past the '}'.
            if (m_stack.back() == Frame::Item && m_cursor)
                m_doc.items.back().end = *m_cursor;
            m_stack.pop_back();
        }
        return true;
    }

    Doc& m_doc;
    const std::vector<KmodJsonReader::Record>* m_previous = nullptr;
    const char* const* m_cursor = nullptr;
    std::vector<Frame> m_stack;
    int m_key = -1;
    int m_skip = 0; // depth inside a skipped value
    int m_depth = 0;
    QString m_error;
};

// A strict JSON (RFC 8259) scanner that drives DocSax with the events
// nlohmann's SAX parser would send. nlohmann's lexer reads a character at a
// time into a std::string and was 60 % of the parse at 1000 containers; this
// one copies string runs at once and converts numbers in place. It accepts
// exactly what nlohmann accepts (tst_kmodparser compares the two on mutated
// documents; the fuzzer runs it under ASan/UBSan): UTF-8 is validated, control
// characters in strings, lone surrogates, leading zeros and trailing text are
// errors, integers that do not fit 64 bits become doubles, doubles that
// overflow are "out of range". No recursion: the nesting lives in a vector
// that DocSax bounds at kKmodJsonMaxDepth.
class Scanner
{
public:
    Scanner(const char* begin, const char* end, DocSax& sax)
        : m_begin(begin)
        , m_p(begin)
        , m_end(end)
        , m_sax(sax)
    {
        m_sax.setCursor(&m_p);
    }

    // False on an error (in error()) or when the handler stopped the scan.
    bool run()
    {
        // A UTF-8 byte order mark is skipped, as nlohmann does.
        if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0)
            m_p += 3;
        enum class Expect { Value, KeyOrEnd, Key, Colon, CommaOrEnd, ValueOrEnd };
        Expect expect = Expect::Value;
        std::vector<char> nest; // '{' or '['
        for (;;) {
            skipSpace();
            if (m_p == m_end) {
                if (nest.empty() && expect == Expect::CommaOrEnd)
                    return true;
                return syntax("unexpected end of input");
            }
            const char c = *m_p;
            if (expect == Expect::CommaOrEnd && nest.empty())
                return syntax("unexpected text after the document");
            switch (expect) {
            case Expect::Colon:
                if (c != ':')
                    return syntax("expected ':'");
                ++m_p;
                expect = Expect::Value;
                continue;
            case Expect::CommaOrEnd:
                if (c == ',') {
                    ++m_p;
                    expect = nest.back() == '{' ? Expect::Key : Expect::Value;
                    continue;
                }
                if (c == (nest.back() == '{' ? '}' : ']')) {
                    ++m_p;
                    const bool ok = nest.back() == '{' ? m_sax.end_object() : m_sax.end_array();
                    nest.pop_back();
                    if (!ok)
                        return false;
                    expect = Expect::CommaOrEnd;
                    continue;
                }
                return syntax("expected ',' or the end of the object or array");
            case Expect::KeyOrEnd:
            case Expect::Key:
                if (c == '}' && expect == Expect::KeyOrEnd) {
                    ++m_p;
                    nest.pop_back();
                    if (!m_sax.end_object())
                        return false;
                    expect = Expect::CommaOrEnd;
                    continue;
                }
                if (c != '"')
                    return syntax("expected a string as object key");
                if (!string() || !m_sax.key(m_text))
                    return false;
                expect = Expect::Colon;
                continue;
            case Expect::ValueOrEnd:
                if (c == ']') {
                    ++m_p;
                    nest.pop_back();
                    if (!m_sax.end_array())
                        return false;
                    expect = Expect::CommaOrEnd;
                    continue;
                }
                break;
            case Expect::Value:
                break;
            }
            // A value.
            bool ok = true;
            switch (c) {
            case '{':
                if (const size_t known = m_sax.reuse(m_p, m_end)) {
                    m_p += known;
                    expect = Expect::CommaOrEnd;
                    continue;
                }
                ++m_p;
                nest.push_back('{');
                if (!m_sax.start_object(std::size_t(-1)))
                    return false;
                expect = Expect::KeyOrEnd;
                continue;
            case '[':
                ++m_p;
                nest.push_back('[');
                if (!m_sax.start_array(std::size_t(-1)))
                    return false;
                expect = Expect::ValueOrEnd;
                continue;
            case '"':
                ok = string() && m_sax.string(m_text);
                break;
            case 't':
                ok = literal("true") && m_sax.boolean(true);
                break;
            case 'f':
                ok = literal("false") && m_sax.boolean(false);
                break;
            case 'n':
                ok = literal("null") && m_sax.null();
                break;
            default:
                ok = number();
                break;
            }
            if (!ok)
                return false;
            expect = Expect::CommaOrEnd;
        }
    }

    const QString& error() const { return m_error; }

private:
    void skipSpace()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool syntax(const char* what)
    {
        // The byte is 1-based, as nlohmann counts it.
        m_error = QStringLiteral("malformed JSON at byte %1: %2").arg(m_p - m_begin + 1).arg(QLatin1String(what));
        return false;
    }

    bool literal(const char* word)
    {
        const size_t n = std::strlen(word);
        if (size_t(m_end - m_p) < n || std::memcmp(m_p, word, n) != 0)
            return syntax("invalid literal");
        m_p += n;
        return true;
    }

    static int hex(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // Four hex digits after "\u"; -1 when malformed.
    long hex4()
    {
        if (m_end - m_p < 4)
            return -1;
        long v = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hex(m_p[i]);
            if (h < 0)
                return -1;
            v = v * 16 + h;
        }
        m_p += 4;
        return v;
    }

    void appendUtf8(long cp)
    {
        if (cp < 0x80) {
            m_text.push_back(char(cp));
        } else if (cp < 0x800) {
            m_text.push_back(char(0xC0 | (cp >> 6)));
            m_text.push_back(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            m_text.push_back(char(0xE0 | (cp >> 12)));
            m_text.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            m_text.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            m_text.push_back(char(0xF0 | (cp >> 18)));
            m_text.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
            m_text.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            m_text.push_back(char(0x80 | (cp & 0x3F)));
        }
    }

    // Length of the well-formed UTF-8 sequence at m_p (RFC 3629: no overlong
    // forms, no surrogates, nothing above U+10FFFF), 0 when malformed.
    int utf8Length() const
    {
        const auto b = [&](int i) {
            return static_cast<unsigned char>(m_p[i]);
        };
        const unsigned char c = b(0);
        const ptrdiff_t left = m_end - m_p;
        auto cont = [&](int i, unsigned lo, unsigned hi) {
            return i < left && b(i) >= lo && b(i) <= hi;
        };
        if (c >= 0xC2 && c <= 0xDF)
            return cont(1, 0x80, 0xBF) ? 2 : 0;
        if (c == 0xE0)
            return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
        if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
        if (c == 0xED)
            return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;
        if (c == 0xF0)
            return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
        if (c >= 0xF1 && c <= 0xF3)
            return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
        if (c == 0xF4)
            return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
        return 0;
    }

    // The string at m_p (its opening quote) into m_text.
    bool string()
    {
        ++m_p;
        m_text.clear();
        for (;;) {
            const char* run = m_p;
            while (m_p != m_end) {
                const auto u = static_cast<unsigned char>(*m_p);
                if (u == '"' || u == '\\' || u < 0x20 || u >= 0x80)
                    break;
                ++m_p;
            }
            m_text.append(run, size_t(m_p - run));
            if (m_p == m_end)
                return syntax("unterminated string");
            const auto u = static_cast<unsigned char>(*m_p);
            if (u == '"') {
                ++m_p;
                return true;
            }
            if (u < 0x20)
                return syntax("control character in a string");
            if (u >= 0x80) {
                const int n = utf8Length();
                if (!n)
                    return syntax("invalid UTF-8 in a string");
                m_text.append(m_p, size_t(n));
                m_p += n;
                continue;
            }
            // An escape.
            if (m_end - m_p < 2)
                return syntax("unterminated string");
            const char e = m_p[1];
            m_p += 2;
            switch (e) {
            case '"':
            case '\\':
            case '/':
                m_text.push_back(e);
                break;
            case 'b':
                m_text.push_back('\b');
                break;
            case 'f':
                m_text.push_back('\f');
                break;
            case 'n':
                m_text.push_back('\n');
                break;
            case 'r':
                m_text.push_back('\r');
                break;
            case 't':
                m_text.push_back('\t');
                break;
            case 'u': {
                long cp = hex4();
                if (cp < 0)
                    return syntax("invalid \\u escape");
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return syntax("lone low surrogate");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                        return syntax("high surrogate without its low half");
                    m_p += 2;
                    const long low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF)
                        return syntax("high surrogate without its low half");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(cp);
                break;
            }
            default:
                return syntax("invalid escape");
            }
        }
    }

    bool number()
    {
        const char* start = m_p;
        const auto digit = [&] {
            return m_p != m_end && *m_p >= '0' && *m_p <= '9';
        };
        const bool negative = m_p != m_end && *m_p == '-';
        if (negative)
            ++m_p;
        if (!digit())
            return syntax(negative ? "expected a digit after '-'" : "invalid literal");
        if (*m_p == '0') {
            ++m_p;
        } else {
            while (digit())
                ++m_p;
        }
        bool integer = true;
        if (m_p != m_end && *m_p == '.') {
            integer = false;
            ++m_p;
            if (!digit())
                return syntax("expected a digit after '.'");
            while (digit())
                ++m_p;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            integer = false;
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digit())
                return syntax("expected a digit in the exponent");
            while (digit())
                ++m_p;
        }
        // Most numbers are non-negative integers of up to 19 digits, which
        // cannot overflow 64 bits: converted here, without strtoull.
        const size_t len = size_t(m_p - start);
        if (integer && !negative && len <= 19) {
            quint64 v = 0;
            for (const char* d = start; d != m_p; ++d)
                v = v * 10 + quint64(*d - '0');
            return m_sax.number_unsigned(v);
        }
        // The token is short; strto* need a terminated copy.
        if (len >= sizeof m_number)
            return floatNumber(std::string(start, len));
        std::memcpy(m_number, start, len);
        m_number[len] = '\0';
        if (integer) {
            char* end = nullptr;
            errno = 0;
            if (negative) {
                const long long v = std::strtoll(m_number, &end, 10);
                if (errno == 0 && end == m_number + len)
                    return m_sax.number_integer(v);
            } else {
                const unsigned long long v = std::strtoull(m_number, &end, 10);
                if (errno == 0 && end == m_number + len)
                    return m_sax.number_unsigned(v);
            }
        }
        return floatNumber(std::string(m_number, len));
    }

    bool floatNumber(const std::string& token)
    {
        char* end = nullptr;
        const double d = std::strtod(token.c_str(), &end);
        if (!std::isfinite(d)) {
            m_error = QStringLiteral("invalid JSON: number overflow parsing '%1'").arg(QString::fromStdString(token));
            return false;
        }
        return m_sax.number_float(d, token);
    }

    const char* m_begin;
    const char* m_p;
    const char* m_end;
    DocSax& m_sax;
    std::string m_text;
    char m_number[64];
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

bool parseDocument(const Doc& doc, RawSample& out, QString* error,
                   const std::vector<KmodJsonReader::Record>* previous = nullptr);
} // namespace

namespace {
bool scanDocument(const QByteArray& text, Doc& doc, const std::vector<KmodJsonReader::Record>* previous, QString* error)
{
    // No recursion: Scanner keeps its nesting in a vector and DocSax stops
    // it at kKmodJsonMaxDepth.
    DocSax sax(doc, previous);
    Scanner scanner(text.constBegin(), text.constEnd(), sax);
    if (!scanner.run()) {
        // Text nested too deep is reported as such even where its syntax
        // breaks first ("{{{{..."), as the log entries' parser does: counted
        // only on failure, it costs a valid document nothing.
        if (jsonTextDepth(text, kKmodJsonMaxDepth) > kKmodJsonMaxDepth)
            return fail(error, QStringLiteral("JSON nested deeper than %1 levels").arg(kKmodJsonMaxDepth));
        if (!sax.error().isEmpty())
            return fail(error, sax.error());
        return fail(error, scanner.error().isEmpty() ? QStringLiteral("malformed JSON") : scanner.error());
    }
    return true;
}
} // namespace

bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error)
{
    try {
        Doc doc;
        return scanDocument(text, doc, nullptr, error) && parseDocument(doc, out, error);
    } catch (const json::exception& e) {
        return fail(error, QStringLiteral("invalid JSON: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("cannot parse: %1").arg(QString::fromUtf8(e.what())));
    }
}

KmodJsonReader::KmodJsonReader(Finish finish)
    : m_finish(std::move(finish))
{ }

bool KmodJsonReader::parse(const QByteArray& text, RawSample& out, QString* error)
{
    try {
        Doc doc;
        RawSample s;
        if (!scanDocument(text, doc, &m_previous, error) || !parseDocument(doc, s, error, &m_previous))
            return false;
        std::vector<Record> records;
        records.reserve(doc.items.size());
        int reused = 0;
        for (size_t i = 0; i < doc.items.size(); ++i) {
            const Item& item = doc.items[i];
            RawContainer& c = s.containers[qsizetype(i)];
            if (item.reused >= 0) {
                ++reused;
                records.push_back(m_previous[size_t(item.reused)]);
                continue;
            }
            if (m_finish)
                m_finish(c);
            records.push_back({ QByteArray(item.begin, qsizetype(item.end - item.begin)), c });
        }
        m_previous = std::move(records);
        m_reused = reused;
        out = std::move(s);
        return true;
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
bool parseDocument(const Doc& doc, RawSample& out, QString* error, const std::vector<KmodJsonReader::Record>* previous)
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
        // A previous document's record, byte for byte: checked and converted
        // then (KmodJsonReader).
        if (item.reused >= 0 && previous) {
            ++index;
            s.containers.append((*previous)[size_t(item.reused)].container);
            continue;
        }
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
