// libFuzzer target: the guard's request framing (HttpFramer). The input is
// split into pieces at positions its first bytes choose, as packets would
// split it, and fed piece by piece; the framing must not depend on the split
// and must keep its invariants: events in stream order, a Complete after
// every Head, nothing after an Error, never more bytes than were fed.
#include "core/receiver/httpframer.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {
std::vector<FramerEvent> frame(const char* data, size_t size, const std::vector<size_t>& cuts)
{
    HttpFramer framer(FramerLimits { 4096, 65536 });
    std::vector<FramerEvent> events;
    size_t from = 0;
    for (size_t cut : cuts) {
        if (cut <= from || cut > size)
            continue;
        framer.feed(QByteArrayView(data + from, qsizetype(cut - from)), events);
        from = cut;
    }
    framer.feed(QByteArrayView(data + from, qsizetype(size - from)), events);
    if (framer.fed() > qint64(size))
        std::abort();
    return events;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // First byte: how many cut points follow (each one byte, scaled).
    if (size < 1)
        return 0;
    const size_t ncuts = std::min<size_t>(data[0] % 8, size - 1);
    const char* body = reinterpret_cast<const char*>(data + 1 + ncuts);
    const size_t bodySize = size - 1 - ncuts;
    std::vector<size_t> cuts;
    for (size_t i = 0; i < ncuts; ++i)
        cuts.push_back(bodySize * data[1 + i] / 256);

    const std::vector<FramerEvent> whole = frame(body, bodySize, {});
    const std::vector<FramerEvent> split = frame(body, bodySize, cuts);
    if (whole.size() != split.size())
        std::abort();
    qint64 last = 0;
    bool open = false;
    for (size_t i = 0; i < whole.size(); ++i) {
        const FramerEvent& a = whole[i];
        const FramerEvent& b = split[i];
        if (a.kind != b.kind || a.offset != b.offset || a.status != b.status)
            std::abort();
        if (a.offset < last || a.offset > qint64(bodySize))
            std::abort();
        last = a.offset;
        switch (a.kind) {
        case FramerEvent::Kind::Head:
            if (open || a.head.contentLength < 0 || a.head.contentLength > 65536)
                std::abort();
            open = true;
            break;
        case FramerEvent::Kind::Complete:
            if (!open)
                std::abort();
            open = false;
            break;
        case FramerEvent::Kind::Error:
            if (i + 1 != whole.size() || a.status < 400)
                std::abort();
            break;
        }
    }
    return 0;
}
