#pragma once

#include "core/engine/engine.h"
#include "core/metrics/collector.h"

#include <QStatusBar>

class QLabel;
class QProgressBar;

// The window's status bar: transient messages on the left; on the right a
// progress bar (pull, spawn, export) and four labels: the metrics source
// ("sourceLabel"), Docker ("dockerLabel"), the receiver ("receiverLabel")
// and the last tick ("tickLabel"). The progress bar is "progress".
class StatusBar : public QStatusBar
{
    Q_OBJECT
public:
    explicit StatusBar(QWidget* parent = nullptr);

    // `name` is the active source ("kmod", "cgroup", empty before the first
    // sample); `requested` what the user chose, to explain an Auto fallback.
    void showSource(const QString& name, const QString& location, SourceOptions::Kind requested);
    void showDocker(const DockerState& state);
    void showReceiver(const QString& text, const QString& toolTip = QString());
    void showTick(const Snapshot& snapshot);
    void showTickFailed(const QString& error);
    void showFrozen(bool frozen);

    // A bar filling up to `maximum` (0: busy, no end known yet).
    void showProgress(int value, int maximum, const QString& format);
    void hideProgress();

private:
    QLabel* m_sourceLabel;
    QLabel* m_dockerLabel;
    QLabel* m_receiverLabel;
    QLabel* m_tickLabel;
    QProgressBar* m_progress;
    QString m_tickText; // without the "(display frozen)" note
};

// English plural without a translator ("1 container", "3 containers").
QString containerCount(int n);
