// libFuzzer target: log-entry validation (what POST /logs runs on a body).
// Must never throw, crash or recurse without bound; an accepted entry's
// stored line must itself be valid JSON no deeper than the cap.
#include "core/model/logentry.h"
#include "core/util/jsondepth.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    NormalisedEntry entry;
    QString error;
    if (normaliseLogEntry(body, entry, &error)) {
        if (entry.line.isEmpty() || !entry.timestamp.isValid())
            std::abort();
        if (jsonTextDepth(entry.line, kMaxEntryDepth + 2) > kMaxEntryDepth + 2)
            std::abort();
        const auto line = nlohmann::json::parse(entry.line.constBegin(), entry.line.constEnd(), nullptr, false);
        if (line.is_discarded() || !line.is_object() || !line.contains("timestamp"))
            std::abort();
    } else if (error.isEmpty()) {
        std::abort();
    }
    return 0;
}
