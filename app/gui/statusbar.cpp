#include "gui/statusbar.h"

#include <QDateTime>
#include <QLabel>
#include <QProgressBar>

QString containerCount(int n)
{
    return n == 1 ? StatusBar::tr("1 container") : StatusBar::tr("%1 containers").arg(n);
}

StatusBar::StatusBar(QWidget* parent)
    : QStatusBar(parent)
    , m_sourceLabel(new QLabel)
    , m_dockerLabel(new QLabel)
    , m_receiverLabel(new QLabel)
    , m_tickLabel(new QLabel)
    , m_progress(new QProgressBar)
{
    setObjectName(QStringLiteral("statusBar"));
    m_sourceLabel->setObjectName(QStringLiteral("sourceLabel"));
    m_dockerLabel->setObjectName(QStringLiteral("dockerLabel"));
    m_receiverLabel->setObjectName(QStringLiteral("receiverLabel"));
    m_tickLabel->setObjectName(QStringLiteral("tickLabel"));
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->hide();
    addPermanentWidget(m_progress);
    addPermanentWidget(m_sourceLabel);
    addPermanentWidget(m_dockerLabel);
    addPermanentWidget(m_receiverLabel);
    addPermanentWidget(m_tickLabel);
    m_sourceLabel->setText(tr("Metrics: starting…"));
    m_tickText = tr("Waiting for the first tick…");
    m_tickLabel->setText(m_tickText);
}

void StatusBar::showSource(const QString& name, const QString& location, SourceOptions::Kind requested)
{
    if (name.isEmpty()) {
        m_sourceLabel->setText(tr("Metrics: starting…"));
        m_sourceLabel->setToolTip(QString());
    } else if (name == SourceOptions::kindName(SourceOptions::Kind::Kmod)) {
        m_sourceLabel->setText(tr("Metrics: kernel module"));
        m_sourceLabel->setToolTip(location);
    } else if (requested == SourceOptions::Kind::Auto) {
        // Auto fell back: say how to get the module's figures.
        m_sourceLabel->setText(tr("Metrics: cgroup (kernel module not loaded)"));
        m_sourceLabel->setToolTip(tr("Reading cgroup files under %1.\nLoad the container_sysinfo module for its "
                                     "per-task counters:\n  sudo insmod kernel_module/container_sysinfo.ko\nStevedore "
                                     "picks it up by itself (Manager ▸ Metrics source ▸ Auto).")
                                      .arg(location));
    } else {
        m_sourceLabel->setText(tr("Metrics: %1").arg(name));
        m_sourceLabel->setToolTip(location);
    }
}

void StatusBar::showDocker(const DockerState& state)
{
    switch (state.status) {
    case DockerState::Status::NotConfigured:
        m_dockerLabel->setText(tr("Docker: not configured"));
        m_dockerLabel->setToolTip(QString());
        break;
    case DockerState::Status::Connected:
        m_dockerLabel->setText(tr("Docker: connected (%1)").arg(state.endpoint));
        m_dockerLabel->setToolTip(state.apiVersion.isEmpty() ? state.endpoint
                                                             : tr("%1, API %2").arg(state.endpoint, state.apiVersion));
        break;
    case DockerState::Status::Connecting:
        m_dockerLabel->setText(tr("Docker: connecting to %1…").arg(state.endpoint));
        m_dockerLabel->setToolTip(QString());
        break;
    case DockerState::Status::Disconnected:
        m_dockerLabel->setText(tr("Docker: disconnected (%1)").arg(state.endpoint));
        m_dockerLabel->setToolTip(state.error);
        break;
    }
}

void StatusBar::showReceiver(const QString& text, const QString& toolTip)
{
    m_receiverLabel->setText(tr("Receiver: %1").arg(text));
    m_receiverLabel->setToolTip(toolTip);
}

void StatusBar::showTick(const Snapshot& snapshot)
{
    const QDateTime when = snapshot.timestamp.isValid() ? snapshot.timestamp : QDateTime::currentDateTime();
    m_tickText = tr("Last tick %1 · %2")
                     .arg(when.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                          containerCount(int(snapshot.containers.size())));
    m_tickLabel->setText(m_tickText);
    m_tickLabel->setToolTip(snapshot.warnings.isEmpty() ? QString() : snapshot.warnings.join(QLatin1Char('\n')));
}

void StatusBar::showTickFailed(const QString& error)
{
    showMessage(tr("Metrics: %1").arg(error), 10000);
    m_tickText = tr("Last tick failed");
    m_tickLabel->setText(m_tickText);
    m_tickLabel->setToolTip(error);
}

void StatusBar::showFrozen(bool frozen)
{
    m_tickLabel->setText(frozen ? m_tickText + tr(" (display frozen)") : m_tickText);
    showMessage(
        frozen ? tr("Display frozen: sampling and managing go on (Ctrl+P to resume)") : tr("Display live again"), 5000);
}

void StatusBar::showProgress(int value, int maximum, const QString& format)
{
    m_progress->setRange(0, maximum);
    m_progress->setValue(value);
    m_progress->setFormat(format);
    m_progress->show();
}

void StatusBar::hideProgress()
{
    m_progress->hide();
}
