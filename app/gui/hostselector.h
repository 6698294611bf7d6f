#pragma once

#include "charts/charthistory.h"
#include "core/store/hostlatest.h"
#include "gui/containertablemodel.h"

#include <QComboBox>
#include <QObject>
#include <QPointer>

#include <map>

// The host selector of a window connected to a central store (docs/gui.md):
// its receiver stores what agents on other hosts report (`--report-to`), and
// this keeps each host's latest snapshot (HostLatest) and a chart history of
// its reports. The combo box ("hostSelector") offers "All hosts", this host
// and each remote host; the table shows the chosen hosts' rows (remote ones
// with their report's age) and the charts draw the chosen host.
class HostSelector : public QObject
{
    Q_OBJECT
public:
    // A report older than this many seconds shows greyed (the host stopped
    // sending, or its reporter is queueing).
    static constexpr qint64 kStaleSeconds = 30;
    // At start, hosts that reported within this many seconds are listed
    // from the store.
    static constexpr qint64 kSeedSeconds = 3600;

    HostSelector(const QString& localHost, QObject* parent = nullptr);
    ~HostSelector() override;

    QComboBox* comboBox() const { return m_combo; }
    // Seeds from the end of the store in `dataDir` (the newest file only,
    // the last kSeedSeconds), so hosts that reported before this window
    // opened are listed at once.
    void seedFromStore(const QString& dataDir);

    QString localHost() const { return m_local; }
    QStringList remoteHosts() const { return m_latest.hosts(); }
    bool hasRemote() const { return !m_latest.hosts().isEmpty(); }
    // The chosen host; empty: all hosts (or this host when it has no name).
    QString selectedHost() const;
    void selectHost(const QString& host); // empty: all
    bool showsLocal() const;
    // Remote rows for the table: this host's snapshot (its containers only
    // when shown) plus the chosen remote hosts' latest containers; `origins`
    // gets the remote rows' host and report time by container id.
    Snapshot compose(const Snapshot& local, QHash<QString, ContainerTableModel::RowOrigin>* origins) const;
    // What the charts draw: the chosen remote host's reports; null for this
    // host (and for all hosts: the live charts stay this host's).
    const ChartHistory* chartHistory() const;
    const HostLatest& latest() const { return m_latest; }

public Q_SLOTS:
    // An entry the receiver stored (LogReceiver::snapshotStored). This
    // host's own entries (its reporter posts to the same receiver) are
    // ignored: its rows and charts come from the live ticks.
    void addSnapshot(const Snapshot& snapshot);

Q_SIGNALS:
    void hostsChanged(); // a host appeared
    void remoteUpdated(); // a remote host reported
    void selectionChanged();

private:
    void rebuildCombo();

    QString m_local;
    HostLatest m_latest;
    std::map<QString, ChartHistory> m_charts;
    QPointer<QComboBox> m_combo; // the tool bar may delete it first
};
