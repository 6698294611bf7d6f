#include "core/receiver/prometheus.h"

#include "core/model/category.h"
#include "core/model/snapshot.h"

#include <charconv>
#include <cmath>

namespace {
using Labels = QList<QPair<const char*, QString>>;

QByteArray number(double v)
{
    if (std::isnan(v))
        return QByteArrayLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    char buf[64];
    // Shortest text that reads back as the same double.
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    return QByteArray(buf, int(res.ptr - buf));
}

// Writes one family at a time: HELP, TYPE, then its samples.
class Writer
{
public:
    void family(const char* name, const char* type, const char* help)
    {
        m_out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        m_out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    // Every sample carries host="..." once the latest snapshot names its host.
    void setHost(const QString& host) { m_host = host; }

    void sample(const char* name, double value, const Labels& labels = {})
    {
        m_out.append(name);
        if (!labels.isEmpty() || !m_host.isEmpty()) {
            m_out.append('{');
            bool first = m_host.isEmpty();
            if (!first)
                m_out.append("host=\"").append(prometheusLabelValue(m_host)).append('"');
            for (const auto& [key, val] : labels) {
                if (!first)
                    m_out.append(',');
                first = false;
                m_out.append(key).append("=\"").append(prometheusLabelValue(val)).append('"');
            }
            m_out.append('}');
        }
        m_out.append(' ').append(number(value)).append('\n');
    }

    QByteArray take() { return std::move(m_out); }

private:
    QByteArray m_out;
    QString m_host;
};

Labels containerLabels(const ContainerMetrics& c)
{
    return { { "id", c.id },
             { "name", c.name.isEmpty() ? c.processName : c.name },
             { "category", categoryName(c.category) } };
}

template<typename F>
void perContainer(Writer& w, const Snapshot& s, const char* name, const char* type, const char* help, F value)
{
    if (s.containers.isEmpty())
        return;
    w.family(name, type, help);
    for (const auto& c : s.containers)
        w.sample(name, value(c), containerLabels(c));
}
} // namespace

QByteArray prometheusContentType()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

QByteArray prometheusLabelValue(const QString& value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char ch : utf8) {
        switch (ch) {
        case '\\':
            out.append("\\\\");
            break;
        case '"':
            out.append("\\\"");
            break;
        case '\n':
            out.append("\\n");
            break;
        default:
            out.append(ch);
        }
    }
    return out;
}

QByteArray formatPrometheus(const Snapshot* latest, const ReceiverCounters& k)
{
    Writer w;
    w.family("stevedore_build_info", "gauge", "Stevedore version, as a label; always 1.");
    w.sample("stevedore_build_info", 1, { { "version", QStringLiteral(STEVEDORE_VERSION) } });

    if (latest) {
        const Snapshot& s = *latest;
        // The figures of the host that sent them; the receiver's own
        // counters below are this process's, whoever posted last.
        w.setHost(s.host.name);
        w.family("stevedore_snapshot_timestamp_seconds", "gauge",
                 "When the latest stored snapshot was taken (Unix time).");
        w.sample("stevedore_snapshot_timestamp_seconds", double(s.timestamp.toMSecsSinceEpoch()) / 1000.0,
                 { { "source", s.source } });
        w.family("stevedore_host_memory_total_bytes", "gauge", "Host memory, total.");
        w.sample("stevedore_host_memory_total_bytes", double(s.system.memoryTotalBytes));
        w.family("stevedore_host_memory_used_bytes", "gauge", "Host memory in use (total - available).");
        w.sample("stevedore_host_memory_used_bytes", double(s.system.memoryUsedBytes));
        w.family("stevedore_host_memory_available_bytes", "gauge", "Host memory available to new work.");
        w.sample("stevedore_host_memory_available_bytes", double(s.system.memoryAvailableBytes));
        w.family("stevedore_host_memory_free_bytes", "gauge", "Host memory not used at all.");
        w.sample("stevedore_host_memory_free_bytes", double(s.system.memoryFreeBytes));
        w.family("stevedore_host_cpu_percent", "gauge", "Host CPU use over all CPUs, 0 to 100.");
        w.sample("stevedore_host_cpu_percent", s.system.cpuPercent);
        if (s.system.cpuCount > 0) {
            w.family("stevedore_host_cpus", "gauge", "Number of host CPUs.");
            w.sample("stevedore_host_cpus", s.system.cpuCount);
        }

        w.family("stevedore_containers", "gauge", "Containers in the latest snapshot, by category.");
        QMap<QString, int> byCategory;
        for (const Category c : { Category::Cpu, Category::Ram, Category::Io, Category::Disk, Category::Other })
            byCategory.insert(categoryName(c), 0);
        for (const auto& c : s.containers)
            ++byCategory[categoryName(c.category)];
        for (auto it = byCategory.cbegin(); it != byCategory.cend(); ++it)
            w.sample("stevedore_containers", it.value(), { { "category", it.key() } });

        perContainer(w, s, "stevedore_container_cpu_percent", "gauge",
                     "Container CPU use; 100 is one full CPU (as docker stats shows it).",
                     [](const ContainerMetrics& c) { return c.cpuPercent; });
        perContainer(w, s, "stevedore_container_memory_bytes", "gauge", "Container memory working set.",
                     [](const ContainerMetrics& c) { return double(c.memoryBytes); });
        perContainer(w, s, "stevedore_container_memory_percent", "gauge", "Container memory as a share of host memory.",
                     [](const ContainerMetrics& c) { return c.memoryPercent; });
        perContainer(w, s, "stevedore_container_read_bytes_total", "counter", "Bytes the container has read.",
                     [](const ContainerMetrics& c) { return double(c.readBytes); });
        perContainer(w, s, "stevedore_container_write_bytes_total", "counter", "Bytes the container has written.",
                     [](const ContainerMetrics& c) { return double(c.writeBytes); });
        perContainer(w, s, "stevedore_container_read_ops_total", "counter", "Read operations of the container.",
                     [](const ContainerMetrics& c) { return double(c.readOps); });
        perContainer(w, s, "stevedore_container_write_ops_total", "counter", "Write operations of the container.",
                     [](const ContainerMetrics& c) { return double(c.writeOps); });
        perContainer(w, s, "stevedore_container_read_bytes_per_second", "gauge",
                     "Container read rate over the last interval.",
                     [](const ContainerMetrics& c) { return c.readBytesPerSec; });
        perContainer(w, s, "stevedore_container_write_bytes_per_second", "gauge",
                     "Container write rate over the last interval.",
                     [](const ContainerMetrics& c) { return c.writeBytesPerSec; });
        perContainer(w, s, "stevedore_container_network_receive_bytes_total", "counter",
                     "Bytes received in the container's network namespace (all interfaces but lo).",
                     [](const ContainerMetrics& c) { return double(c.netRxBytes); });
        perContainer(w, s, "stevedore_container_network_transmit_bytes_total", "counter",
                     "Bytes sent from the container's network namespace (all interfaces but lo).",
                     [](const ContainerMetrics& c) { return double(c.netTxBytes); });
        perContainer(w, s, "stevedore_container_network_receive_packets_total", "counter",
                     "Packets received in the container's network namespace.",
                     [](const ContainerMetrics& c) { return double(c.netRxPackets); });
        perContainer(w, s, "stevedore_container_network_transmit_packets_total", "counter",
                     "Packets sent from the container's network namespace.",
                     [](const ContainerMetrics& c) { return double(c.netTxPackets); });
        perContainer(w, s, "stevedore_container_network_receive_bytes_per_second", "gauge",
                     "Container receive rate over the last interval.",
                     [](const ContainerMetrics& c) { return c.netRxBytesPerSec; });
        perContainer(w, s, "stevedore_container_network_transmit_bytes_per_second", "gauge",
                     "Container transmit rate over the last interval.",
                     [](const ContainerMetrics& c) { return c.netTxBytesPerSec; });
        w.setHost(QString());
    }

    w.family("stevedore_receiver_entries_stored_total", "counter", "Log entries stored since the receiver started.");
    w.sample("stevedore_receiver_entries_stored_total", double(k.entriesStored));
    w.family("stevedore_receiver_entries_duplicate_total", "counter",
             "Entries whose entry_id the store already held (resent after a lost answer): not stored again.");
    w.sample("stevedore_receiver_entries_duplicate_total", double(k.entriesDuplicate));
    w.family("stevedore_receiver_requests_rejected_total", "counter", "Requests answered with an error, by status.");
    if (k.rejectedByStatus.isEmpty())
        w.sample("stevedore_receiver_requests_rejected_total", 0, { { "code", QStringLiteral("400") } });
    for (auto it = k.rejectedByStatus.cbegin(); it != k.rejectedByStatus.cend(); ++it)
        w.sample("stevedore_receiver_requests_rejected_total", double(it.value()),
                 { { "code", QString::number(it.key()) } });
    w.family("stevedore_receiver_store_errors_total", "counter", "Appends the store refused (full disk, I/O error).");
    w.sample("stevedore_receiver_store_errors_total", double(k.storeErrors));
    w.family("stevedore_receiver_store_active_bytes", "gauge", "Size of the active log file.");
    w.sample("stevedore_receiver_store_active_bytes", double(k.storeActiveBytes));
    w.family("stevedore_receiver_store_rotations_total", "counter", "Log file rotations since the receiver started.");
    w.sample("stevedore_receiver_store_rotations_total", double(k.storeRotations));
    w.family("stevedore_receiver_connections", "gauge", "Open client connections.");
    w.sample("stevedore_receiver_connections", k.openConnections);
    w.family("stevedore_receiver_connections_cut_total", "counter",
             "Connections the guard closed early, by reason (idle, slow, oversize, header, capacity, ...).");
    if (k.connectionsCut.isEmpty())
        w.sample("stevedore_receiver_connections_cut_total", 0, { { "reason", QStringLiteral("idle") } });
    for (auto it = k.connectionsCut.cbegin(); it != k.connectionsCut.cend(); ++it)
        w.sample("stevedore_receiver_connections_cut_total", double(it.value()), { { "reason", it.key() } });
    w.family("stevedore_receiver_chart_renders_total", "counter", "Chart renderings finished, by result.");
    w.sample("stevedore_receiver_chart_renders_total", double(k.chartRenders), { { "result", QStringLiteral("ok") } });
    w.sample("stevedore_receiver_chart_renders_total", double(k.chartRenderErrors),
             { { "result", QStringLiteral("error") } });
    return w.take();
}
