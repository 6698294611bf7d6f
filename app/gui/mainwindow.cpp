#include "gui/mainwindow.h"
#include "gui/alertlist.h"

#include "gui/chartsarea.h"
#include "gui/containerflows.h"
#include "gui/containerpage.h"
#include "gui/containerview.h"
#include "gui/exportcontroller.h"
#include "gui/hostselector.h"
#include "gui/logpane.h"
#include "gui/managerpane.h"
#include "gui/statusbar.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QShowEvent>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>

#include <algorithm>

static void initResources()
{
    // A static library's resources are not registered by themselves.
    Q_INIT_RESOURCE(stevedore);
}

namespace {
QIcon icon(const char* themeName, const char* fallback)
{
    return QIcon::fromTheme(QLatin1String(themeName), QIcon(QLatin1String(fallback)));
}
} // namespace

MainWindow::MainWindow(Engine* engine, ContainerActions* actions, QWidget* parent)
    : QMainWindow(parent)
    , m_engine(engine)
    , m_actions(actions)
    , m_view(new ContainerView)
    , m_charts(new ChartsArea)
    , m_managerPane(new ManagerPane)
    , m_managerDock(new QDockWidget(tr("Manager")))
    , m_status(new StatusBar)
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Stevedore"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/stevedore.svg")));

    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(m_view);
    split->addWidget(m_charts);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    setCentralWidget(split);
    setStatusBar(m_status);

    m_managerDock->setObjectName(QStringLiteral("managerDock"));
    m_managerPane->setObjectName(QStringLiteral("managerPane"));
    m_managerDock->setWidget(m_managerPane);
    addDockWidget(Qt::RightDockWidgetArea, m_managerDock);
    m_managerPane->setAutoManage(m_engine->settings().manager.manage);
    m_managerPane->setDryRun(m_engine->settings().manager.dryRun);
    m_managerPane->setIntervalSeconds(m_engine->intervalSeconds());
    m_sourcePreference = m_engine->settings().source.kind;

    m_flows = new ContainerFlows(m_actions, m_view, m_status, this);
    m_export = new ExportController(&m_charts->history(), this);
    // The selected container's log, a tab beside the charts: the table
    // stays in view while it is read.
    m_logPane = new LogPane(m_engine->docker());
    m_charts->addTab(m_logPane, tr("&Logs"));
    m_page = new ContainerPage(m_engine->docker());
    m_charts->addTab(m_page, tr("&Details"));
    m_page->setHistoryStore(m_engine->dataDir());
    m_hosts = new HostSelector(m_engine->settings().host.name, this);
    connect(m_view, &ContainerView::selectionChanged, this, [this] {
        const QList<ContainerMetrics> selected = m_view->selectedContainers();
        // One container at a time: the first of the selection. A remote
        // host's container has no log here (its Docker is not this one).
        if (!selected.isEmpty()) {
            const QString remote = m_view->selectedRemoteHost();
            if (remote.isEmpty())
                m_logPane->setContainer(selected.first().id, selected.first().name);
            else
                m_logPane->setContainer(QString(), QString()); // no stream from a local Docker
            m_page->setContainer(selected.first().id, selected.first().name, remote);
        }
        updateActions();
    });
    connect(m_view->table(), &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
        if (!index.isValid())
            return;
        const QList<ContainerMetrics> selected = m_view->selectedContainers();
        if (selected.isEmpty())
            return;
        m_page->setContainer(selected.first().id, selected.first().name, m_view->selectedRemoteHost());
        m_charts->setCurrentWidget(m_page);
    });

    createActions();
    createMenus();
    installAlerts(this, m_engine, m_actions, m_managerPane); // alerts dock, menu, audit (alertlist.h)

    connect(m_managerPane, &ManagerPane::autoManageChanged, this, [this](bool on) {
        m_engine->setManage(on);
        m_autoManageAct->setChecked(on);
    });
    connect(m_managerPane, &ManagerPane::dryRunChanged, this, [this](bool on) {
        m_engine->setDryRun(on);
        m_dryRunAct->setChecked(on);
    });
    connect(m_managerPane, &ManagerPane::intervalChanged, this, [this](double s) {
        m_engine->setIntervalSeconds(s);
        m_charts->setIntervalSeconds(s);
    });

    connect(m_engine, &Engine::snapshotReady, this, &MainWindow::showSnapshot);
    connect(m_engine, &Engine::collectFailed, m_status, &StatusBar::showTickFailed);
    connect(m_engine, &Engine::dockerStateChanged, this, [this](const DockerState& state) {
        m_status->showDocker(state);
        showDockerInTable(state);
        updateActions();
    });
    connect(m_engine, &Engine::decisionsReady, m_managerPane, &ManagerPane::addDecisions);
    connect(m_engine, &Engine::logLine, m_managerPane, &ManagerPane::addLogLine);
    connect(m_actions, &ContainerActions::spawnMessage, m_managerPane, &ManagerPane::addLogLine);
    connect(m_flows, &ContainerFlows::containersChanged, m_engine, &Engine::tickNow);
    connect(m_flows, &ContainerFlows::containersChanged, this, [this] {
        if (m_page->isVisible())
            m_page->reload(); // its state, restart count… changed
        if (m_logPane->isVisible() && !m_logPane->isStreaming())
            m_logPane->reload(); // started again: follow the new run
    });
    connect(m_flows, &ContainerFlows::removed, m_managerPane, &ManagerPane::addDecisions);
    connect(m_flows, &ContainerFlows::logLine, m_managerPane, &ManagerPane::addLogLine);
    connect(m_actions, &ContainerActions::stoppedContainersChanged, this, [this] {
        if (m_frozen)
            return; // shown when the display thaws
        showTable();
        updateActions();
    });
    connect(m_flows, &ContainerFlows::stateChanged, this, &MainWindow::updateActions);

    connect(m_export, &ExportController::started, this, [this](int steps) {
        m_status->showProgress(0, steps, tr("Exporting charts…"));
        updateActions();
    });
    connect(m_export, &ExportController::progressed, this,
            [this](int done, int steps) { m_status->showProgress(done, steps, tr("Exporting charts…")); });
    connect(m_export, &ExportController::finished, this, [this](const QStringList& files, const QString& error) {
        m_status->hideProgress();
        if (error.isEmpty())
            m_status->showMessage(tr("Exported %n files to %1", nullptr, int(files.size()))
                                      .arg(files.isEmpty() ? QString() : QFileInfo(files.first()).absolutePath()),
                                  10000);
        else
            m_status->showMessage(tr("Export failed: %1").arg(error), 10000);
        updateActions();
    });

    m_charts->setIntervalSeconds(m_engine->intervalSeconds());
    m_status->showDocker(m_engine->dockerState());
    m_status->showSource(m_engine->sourceName(), m_engine->sourceLocation(), m_engine->settings().source.kind);
    if (const QString address = m_engine->receiverAddress(); !address.isEmpty())
        m_status->showReceiver(address, tr("Log store in %1").arg(m_engine->dataDir()));
    else
        m_status->showReceiver(m_engine->settings().listen ? tr("not listening") : tr("off (--no-listen)"));
    // Hosts reporting to this window's receiver (a central store): listed
    // from the end of the store at once, then as their entries arrive.
    if (LogReceiver* receiver = m_engine->receiver()) {
        m_hosts->seedFromStore(m_engine->dataDir());
        connect(receiver, &LogReceiver::snapshotStored, m_hosts, &HostSelector::addSnapshot);
    }
    connect(m_hosts, &HostSelector::hostsChanged, this, [this] {
        m_hostAct->setVisible(m_hosts->hasRemote());
        m_view->showHostColumn();
    });
    connect(m_hosts, &HostSelector::remoteUpdated, this, [this] {
        if (!m_frozen) {
            showTable();
            if (!m_charts->showsLive())
                m_charts->refresh();
        }
    });
    connect(m_hosts, &HostSelector::selectionChanged, this, &MainWindow::hostSelectionChanged);
    m_hostAct->setVisible(m_hosts->hasRemote());
    if (m_hosts->hasRemote())
        m_view->showHostColumn();

    showDockerInTable(m_engine->dockerState());
    m_actions->setWatchStopped(true);
    updateActions();
    fitToScreen();
}

void MainWindow::fitToScreen()
{
    // The size the window wants, never more than the screen it opens on
    // can show (a 1280x720 screen keeps the status bar in view).
    QSize want(1280, 860);
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    if (screen) {
        const QRect avail = screen->availableGeometry();
        // The frame (title bar, borders) is not in size(): leave room for it.
        const QSize frame(16, 40);
        want = want.boundedTo(avail.size() - frame);
        resize(want);
        // The manager pane takes a fifth at most: the table's columns
        // need the rest on a small screen.
        m_dockWidth = std::clamp(want.width() / 5, 240, 400);
        resizeDocks({ m_managerDock }, { m_dockWidth }, Qt::Horizontal);
        move(avail.topLeft() + QPoint((avail.width() - want.width()) / 2, (avail.height() - want.height() - 24) / 2));
        return;
    }
    resize(want);
}

void MainWindow::showTable()
{
    applyStoppedRows();
    QHash<QString, ContainerTableModel::RowOrigin> origins;
    const Snapshot shown = m_hosts->compose(m_last, &origins);
    m_view->model()->setOrigins(origins, m_hosts->localHost(), HostSelector::kStaleSeconds);
    m_view->setSnapshot(shown);
}

void MainWindow::hostSelectionChanged()
{
    // The charts draw the chosen remote host's reports; this host's live
    // ticks otherwise.
    m_charts->showHistory(m_hosts->chartHistory());
    if (!m_frozen)
        refreshViews();
}

void MainWindow::applyStoppedRows()
{
    QList<ContainerMetrics> rows;
    if (!m_hosts->showsLocal()) {
        m_view->setStoppedRows(rows); // another host's: no stopped rows of ours
        return;
    }
    for (const ContainerSummary& c : m_actions->stoppedContainers())
        rows.append(Lifecycle::rowFromSummary(c));
    m_view->setStoppedRows(rows);
}

void MainWindow::showDockerInTable(const DockerState& state)
{
    switch (state.status) {
    case DockerState::Status::Connected:
        m_view->setEmptyText(QString()); // the default: how to spawn
        break;
    case DockerState::Status::Connecting:
        m_view->setEmptyText(tr("Connecting to Docker at %1…").arg(state.endpoint));
        break;
    case DockerState::Status::NotConfigured:
    case DockerState::Status::Disconnected:
        m_view->setEmptyText(
            tr("Docker is unreachable, so no containers can be listed or spawned.\n\n%1\n\nIs dockerd running, and "
               "may this user use its socket (the docker group)? Stevedore retries on its own.")
                .arg(state.error.isEmpty() ? tr("No Docker endpoint (see --docker-host).") : state.error));
        break;
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_refreshAct = new QAction(icon("view-refresh", ":/icons/refresh.svg"), tr("&Refresh now"), this);
    m_refreshAct->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAct->setShortcut(QKeySequence::Refresh);
    m_refreshAct->setToolTip(tr("Collect a sample now (F5)"));
    connect(m_refreshAct, &QAction::triggered, m_engine, &Engine::tickNow);

    m_freezeAct = new QAction(icon("media-playback-pause", ":/icons/pause.svg"), tr("&Freeze display"), this);
    m_freezeAct->setObjectName(QStringLiteral("freezeAction"));
    m_freezeAct->setCheckable(true);
    m_freezeAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_freezeAct->setToolTip(tr("Hold the table and charts still to read them; sampling, managing and the chart "
                               "history go on (Ctrl+P)"));
    connect(m_freezeAct, &QAction::toggled, this, &MainWindow::setFrozen);

    // The lifecycle actions: toolbar, Containers menu, the table's context
    // menu and a shortcut each. Remove keeps the original's Delete key.
    struct LifecycleSpec
    {
        LifecycleAction action;
        const char* objectName;
        const char* theme;
        const char* fallback;
        QString text;
        QKeySequence shortcut;
        QString toolTip;
    };
    const QList<LifecycleSpec> specs = {
        { LifecycleAction::Start, "startAction", "media-playback-start", ":/icons/start.svg", tr("S&tart"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), tr("Start the selected stopped containers (Ctrl+Shift+S)") },
        { LifecycleAction::Stop, "stopAction", "media-playback-stop", ":/icons/stop.svg", tr("St&op…"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X),
          tr("Stop the selected containers gracefully: SIGTERM, then SIGKILL after Docker's grace period "
             "(Ctrl+Shift+X)") },
        { LifecycleAction::Restart, "restartAction", "view-refresh", ":/icons/restart.svg", tr("&Restart…"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), tr("Stop and start the selected containers (Ctrl+Shift+R)") },
        { LifecycleAction::Pause, "pauseAction", "media-playback-pause", ":/icons/pause.svg", tr("&Pause"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
          tr("Freeze the selected containers' processes (Ctrl+Shift+P)") },
        { LifecycleAction::Unpause, "unpauseAction", "media-playback-start", ":/icons/start.svg", tr("Res&ume"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), tr("Resume the selected paused containers (Ctrl+Shift+U)") },
        { LifecycleAction::Kill, "killAction", "process-stop", ":/icons/kill.svg", tr("&Kill…"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K),
          tr("Send SIGKILL to the selected containers; they stay, stopped (Ctrl+Shift+K)") },
        { LifecycleAction::Remove, "removeAction", "edit-delete", ":/icons/remove.svg", tr("Re&move…"),
          QKeySequence(QKeySequence::Delete), tr("Kill and remove the selected containers, docker rm -f (Del)") },
    };
    for (const LifecycleSpec& spec : specs) {
        auto* a = new QAction(icon(spec.theme, spec.fallback), spec.text, this);
        a->setObjectName(QLatin1String(spec.objectName));
        a->setShortcut(spec.shortcut);
        a->setToolTip(spec.toolTip);
        a->setIconText(ContainerFlows::actionTitle(spec.action));
        const LifecycleAction action = spec.action;
        connect(a, &QAction::triggered, m_flows, [this, action] {
            // A stale shortcut on another host's row asks nothing: that
            // container is not in this host's Docker.
            if (!m_view->selectionHasRemote())
                m_flows->requestLifecycle(action);
        });
        m_lifecycleActs[action] = a;
    }
    for (const auto& [action, a] : m_lifecycleActs) {
        m_view->table()->addAction(a);
        if (action == LifecycleAction::Unpause || action == LifecycleAction::Restart) {
            auto* sep = new QAction(this);
            sep->setSeparator(true);
            m_view->table()->addAction(sep);
        }
    }

    m_showStoppedAct = new QAction(tr("Show &stopped containers"), this);
    m_showStoppedAct->setObjectName(QStringLiteral("showStoppedAction"));
    m_showStoppedAct->setCheckable(true);
    m_showStoppedAct->setChecked(true);
    m_showStoppedAct->setToolTip(tr("List exited and created containers too, so they can be started or removed"));
    connect(m_showStoppedAct, &QAction::toggled, this, [this](bool on) {
        m_view->setShowStopped(on);
        QSettings().setValue(QStringLiteral("table/showStopped"), on);
        showTable();
    });

    m_spawnAct = new QAction(icon("list-add", ":/icons/spawn.svg"), tr("&Spawn…"), this);
    m_spawnAct->setObjectName(QStringLiteral("spawnAction"));
    m_spawnAct->setShortcut(QKeySequence::New);
    m_spawnAct->setToolTip(tr("Create stress containers (Ctrl+N)"));
    connect(m_spawnAct, &QAction::triggered, m_flows, &ContainerFlows::requestSpawn);

    m_exportAct = new QAction(icon("document-save-as", ":/icons/export.svg"), tr("&Export charts…"), this);
    m_exportAct->setObjectName(QStringLiteral("exportAction"));
    m_exportAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAct->setToolTip(tr("Write PNG and SVG of every chart panel and a CSV of the series (Ctrl+E)"));
    connect(m_exportAct, &QAction::triggered, m_export, &ExportController::requestExport);

    m_quitAct = new QAction(icon("application-exit", ":/icons/quit.svg"), tr("&Quit"), this);
    m_quitAct->setObjectName(QStringLiteral("quitAction"));
    m_quitAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAct->setMenuRole(QAction::QuitRole);
    connect(m_quitAct, &QAction::triggered, this, &QWidget::close);

    m_aboutAct = new QAction(icon("help-about", ":/icons/stevedore.svg"), tr("&About Stevedore"), this);
    m_aboutAct->setObjectName(QStringLiteral("aboutAction"));
    m_aboutAct->setMenuRole(QAction::AboutRole);
    connect(m_aboutAct, &QAction::triggered, this, &MainWindow::showAbout);

    m_filterAct = new QAction(tr("&Filter"), this);
    m_filterAct->setObjectName(QStringLiteral("filterAction"));
    m_filterAct->setShortcut(QKeySequence::Find);
    connect(m_filterAct, &QAction::triggered, m_view, &ContainerView::focusFilter);
    addAction(m_filterAct);

    m_autoManageAct = new QAction(tr("&Auto-manage"), this);
    m_autoManageAct->setObjectName(QStringLiteral("autoManageAction"));
    m_autoManageAct->setCheckable(true);
    m_autoManageAct->setChecked(m_engine->settings().manager.manage);
    connect(m_autoManageAct, &QAction::toggled, m_managerPane, &ManagerPane::setAutoManage);
    m_dryRunAct = new QAction(tr("&Dry run"), this);
    m_dryRunAct->setObjectName(QStringLiteral("dryRunAction"));
    m_dryRunAct->setCheckable(true);
    m_dryRunAct->setChecked(m_engine->settings().manager.dryRun);
    connect(m_dryRunAct, &QAction::toggled, m_managerPane, &ManagerPane::setDryRun);

    m_sourceGroup = new QActionGroup(this);
    const QList<QPair<SourceOptions::Kind, QString>> sources
        = { { SourceOptions::Kind::Auto, tr("&Auto (module if loaded, else cgroup)") },
            { SourceOptions::Kind::Kmod, tr("&Kernel module") },
            { SourceOptions::Kind::Cgroup, tr("&cgroup files") } };
    for (const auto& [kind, text] : sources) {
        QAction* a = m_sourceGroup->addAction(text);
        a->setObjectName(QStringLiteral("sourceAction_") + SourceOptions::kindName(kind));
        a->setCheckable(true);
        a->setData(int(kind));
        a->setChecked(m_engine->settings().source.kind == kind);
    }
    connect(m_sourceGroup, &QActionGroup::triggered, this, [this](QAction* a) {
        m_sourcePreference = SourceOptions::Kind(a->data().toInt());
        const QString name = SourceOptions::kindName(m_sourcePreference);
        QSettings().setValue(QStringLiteral("engine/source"), name);
        m_status->showMessage(tr("Metrics source %1: used from the next start").arg(name), 10000);
    });
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_exportAct);
    file->addSeparator();
    file->addAction(m_quitAct);

    QMenu* containers = menuBar()->addMenu(tr("&Containers"));
    containers->addAction(m_spawnAct);
    containers->addSeparator();
    for (const auto& [action, a] : m_lifecycleActs)
        containers->addAction(a);
    containers->addSeparator();
    containers->addAction(m_refreshAct);
    containers->addAction(m_freezeAct);

    QMenu* manager = menuBar()->addMenu(tr("&Manager"));
    manager->addAction(m_autoManageAct);
    manager->addAction(m_dryRunAct);
    QMenu* source = manager->addMenu(tr("Metrics &source"));
    source->addActions(m_sourceGroup->actions());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_filterAct);
    view->addAction(m_showStoppedAct);
    QMenu* columns = view->addMenu(tr("&Columns"));
    columns->addActions(m_view->columnActions());
    view->addAction(m_managerDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAct);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    // First, so a narrow window never pushes it into the overflow menu:
    // which host is shown changes what every other part means.
    m_hostAct = bar->addWidget(m_hosts->comboBox());
    m_hostAct->setObjectName(QStringLiteral("hostSelectorAction"));
    bar->addAction(m_spawnAct);
    bar->addSeparator();
    for (const auto& [action, a] : m_lifecycleActs)
        bar->addAction(a);
    bar->addSeparator();
    bar->addAction(m_refreshAct);
    bar->addAction(m_freezeAct);
    bar->addSeparator();
    bar->addAction(m_exportAct);
}

void MainWindow::updateActions()
{
    // Only this host's Docker is reachable from here: another host's rows
    // are shown, never acted on.
    const bool remote = m_view->selectionHasRemote();
    for (const auto& [action, a] : m_lifecycleActs) {
        a->setEnabled(!remote && m_flows->canApply(action));
        QString tip = a->property("localToolTip").toString();
        if (tip.isEmpty()) {
            tip = a->toolTip();
            a->setProperty("localToolTip", tip);
        }
        a->setToolTip(remote ? tr("The selection holds containers of another host: manage them on that host "
                                  "(this window reaches only its own Docker)")
                             : tip);
    }
    const bool local = m_hosts->showsLocal();
    m_spawnAct->setEnabled(local && m_flows->canSpawn());
    m_spawnAct->setToolTip(local ? tr("Create stress containers (Ctrl+N)")
                                 : tr("Containers are spawned on this host only: choose it or All hosts"));
    m_exportAct->setEnabled(!m_export->isExporting());
}

void MainWindow::showSnapshot(const Snapshot& snapshot)
{
    m_last = snapshot;
    // The history always records, so a frozen display leaves no gap.
    m_charts->append(snapshot);
    m_page->addSnapshot(snapshot);
    m_status->showSource(m_engine->sourceName(), m_engine->sourceLocation(), m_engine->settings().source.kind);
    if (!m_frozen)
        refreshViews();
    Q_EMIT snapshotShown();
}

void MainWindow::refreshViews()
{
    showTable();
    m_charts->refresh();
    m_status->showTick(m_last);
    updateActions();
}

void MainWindow::setFrozen(bool frozen)
{
    if (m_frozen == frozen)
        return;
    m_frozen = frozen;
    if (m_freezeAct->isChecked() != frozen)
        m_freezeAct->setChecked(frozen);
    if (!frozen)
        refreshViews();
    m_status->showFrozen(frozen);
}

void MainWindow::showAbout()
{
    const DockerState state = m_engine->dockerState();
    const QString docker = state.connected() ? tr("Docker at %1 (API %2)").arg(state.endpoint, state.apiVersion)
                                             : tr("Docker not connected");
    QMessageBox::about(
        this, tr("About Stevedore"),
        tr("<h3>Stevedore %1</h3>"
           "<p>Watches and manages Docker stress containers: per-container metrics from the "
           "container_sysinfo kernel module or cgroup files, a keep-newest-per-category manager, a "
           "log receiver with durable storage, and charts.</p>"
           "<p>Metrics: %2<br>%3<br>Qt %4</p>")
            .arg(QLatin1String(STEVEDORE_VERSION), m_engine->sourceName(), docker, QLatin1String(qVersion())));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    if (const QByteArray g = s.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty()) {
        // restoreGeometry() already keeps a saved window on a screen that
        // is still there; a saved size larger than this screen is shrunk.
        restoreGeometry(g);
        if (const QScreen* screen = this->screen()) {
            const QSize avail = screen->availableGeometry().size();
            if (width() > avail.width() || height() > avail.height())
                fitToScreen();
        }
    }
    if (const QByteArray st = s.value(QStringLiteral("window/state")).toByteArray(); !st.isEmpty())
        m_stateRestored = restoreState(st);
    m_view->restoreHeaderState(s.value(QStringLiteral("table/header")).toByteArray());
    m_showStoppedAct->setChecked(s.value(QStringLiteral("table/showStopped"), true).toBool());
    if (auto* split = findChild<QSplitter*>(QStringLiteral("mainSplitter"))) {
        if (const QByteArray sp = s.value(QStringLiteral("window/splitter")).toByteArray(); !sp.isEmpty())
            split->restoreState(sp);
    }
    m_charts->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/tab"), m_charts->currentIndex());
    s.setValue(QStringLiteral("table/header"), m_view->saveHeaderState());
    if (auto* split = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        s.setValue(QStringLiteral("window/splitter"), split->saveState());
    s.setValue(QStringLiteral("engine/interval"), m_engine->intervalSeconds());
    s.setValue(QStringLiteral("engine/source"), SourceOptions::kindName(m_sourcePreference));
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    // Dock sizes only hold once the window is laid out at its real size.
    if (m_dockWidth > 0 && !m_stateRestored)
        resizeDocks({ m_managerDock }, { m_dockWidth }, Qt::Horizontal);
    m_dockWidth = 0;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}
