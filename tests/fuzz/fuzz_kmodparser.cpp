// The kernel module's /proc file as parseKmodJson() reads it. The file is
// written by a module, but its per-container strings (names, command lines)
// come from whatever runs in the containers. Each input also goes through
// one long-lived KmodJsonReader (which reuses records it saw in earlier
// inputs, so the corpus primes it): its verdict and error must be a fresh
// parse's, or the fuzzer stops.
#include "core/model/kmodjson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    RawSample sample;
    QString error;
    const bool ok = parseKmodJson(text, sample, &error);

    static KmodJsonReader reader;
    RawSample again;
    QString againError;
    if (reader.parse(text, again, &againError) != ok || againError != error
        || again.containers.size() != sample.containers.size())
        std::abort();
    for (qsizetype i = 0; ok && i < sample.containers.size(); ++i) {
        const RawContainer &x = sample.containers[i], &y = again.containers[i];
        if (x.id != y.id || x.pid != y.pid || x.cmdline != y.cmdline || x.raw.cpuNs != y.raw.cpuNs
            || x.raw.memoryBytes != y.raw.memoryBytes || x.raw.readBytes != y.raw.readBytes
            || x.raw.writeBytes != y.raw.writeBytes || x.raw.tasks != y.raw.tasks)
            std::abort();
    }
    return 0;
}
