#include "mainwindow.h"

#include "chartexport.h"
#include "chartpanels.h"
#include "containertablemodel.h"
#include "docker/dockerclient.h"
#include "managerpane.h"
#include "spawndialog.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>

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

QString sourceKindName(SourceOptions::Kind kind)
{
    switch (kind) {
    case SourceOptions::Kind::Kmod:
        return QStringLiteral("kmod");
    case SourceOptions::Kind::Cgroup:
        return QStringLiteral("cgroup");
    case SourceOptions::Kind::Auto:
        break;
    }
    return QStringLiteral("auto");
}

// English plural without a translator ("1 container", "3 containers").
QString containers(int n)
{
    return n == 1 ? MainWindow::tr("1 container") : MainWindow::tr("%1 containers").arg(n);
}

QString containerLabel(const ContainerMetrics& c)
{
    const QString name = c.name.isEmpty() ? c.processName : c.name;
    return QStringLiteral("%1 (%2, %3)").arg(name, c.id.left(12), categoryName(c.category));
}
} // namespace

MainWindow::MainWindow(Engine* engine, ContainerActions* actions, QWidget* parent)
    : QMainWindow(parent)
    , m_engine(engine)
    , m_actions(actions)
    , m_model(new ContainerTableModel(this))
    , m_proxy(new ContainerFilterProxy(this))
    , m_table(new QTableView)
    , m_filter(new QLineEdit)
    , m_tabs(new QTabWidget)
    , m_systemPanel(new SystemPanel)
    , m_managerPane(new ManagerPane)
    , m_managerDock(new QDockWidget(tr("Manager")))
    , m_sourceLabel(new QLabel)
    , m_dockerLabel(new QLabel)
    , m_receiverLabel(new QLabel)
    , m_tickLabel(new QLabel)
    , m_progress(new QProgressBar)
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Stevedore"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/stevedore.svg")));

    // The table.
    m_proxy->setSourceModel(m_model);
    m_table->setObjectName(QStringLiteral("containerTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ContainerTableModel::CategoryColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row height: no per-row size hints to compute on every refresh.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &MainWindow::showColumnMenu);

    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by name, ID, category, state or PID (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &ContainerFilterProxy::setFilterText);

    auto* tableArea = new QWidget;
    auto* tl = new QVBoxLayout(tableArea);
    tl->setContentsMargins(4, 4, 4, 0);
    tl->addWidget(m_filter);
    tl->addWidget(m_table);

    // The charts.
    m_history.setCapacity(kMaxChartSamples);
    m_systemPanel->setObjectName(QStringLiteral("systemPanel"));
    m_systemPanel->setHistory(&m_history);
    m_tabs->setObjectName(QStringLiteral("chartTabs"));
    m_tabs->addTab(m_systemPanel, tr("&System"));
    auto* categories = new QWidget;
    auto* cl = new QVBoxLayout(categories);
    cl->setContentsMargins(2, 2, 2, 2);
    int i = 0;
    for (Category c : managedCategories()) {
        auto* panel = new CategoryPanel(c);
        panel->setHistory(&m_history);
        panel->setMinimumHeight(250);
        cl->addWidget(panel);
        m_categoryPanels[size_t(i++)] = panel;
    }
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(categories);
    scroll->setFrameShape(QFrame::NoFrame);
    m_tabs->addTab(scroll, tr("Containers by &category"));

    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(tableArea);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    setCentralWidget(split);

    // The manager pane.
    m_managerDock->setObjectName(QStringLiteral("managerDock"));
    m_managerDock->setWidget(m_managerPane);
    addDockWidget(Qt::RightDockWidgetArea, m_managerDock);
    m_managerPane->setAutoManage(m_engine->options().manage);
    m_managerPane->setDryRun(m_engine->options().dryRun);
    m_managerPane->setIntervalSeconds(m_engine->intervalSeconds());
    m_sourcePreference = m_engine->options().source.kind;

    createActions();
    createMenus();
    createStatusBar();

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
        updateChartCapacity();
    });

    connect(m_engine, &Engine::snapshotReady, this, &MainWindow::showSnapshot);
    connect(m_engine, &Engine::collectFailed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Metrics: %1").arg(error), 10000);
        m_tickLabel->setText(tr("Last tick failed"));
        m_tickLabel->setToolTip(error);
    });
    connect(m_engine, &Engine::dockerConnectionChanged, this, [this] {
        updateDockerLabel();
        updateActions();
    });
    connect(m_engine, &Engine::decisionsReady, m_managerPane, &ManagerPane::addDecisions);
    connect(m_engine, &Engine::logLine, m_managerPane, &ManagerPane::addLogLine);
    connect(m_actions, &ContainerActions::killFinished, this, &MainWindow::onKillFinished);
    connect(m_actions, &ContainerActions::spawnMessage, m_managerPane, &ManagerPane::addLogLine);
    connect(m_actions, &ContainerActions::spawnPullProgress, this, &MainWindow::onPullProgress);
    connect(m_actions, &ContainerActions::containerSpawned, this, [this](const SpawnedContainer& c) {
        ++m_spawnDone;
        m_progress->setRange(0, m_spawnWanted);
        m_progress->setValue(m_spawnDone);
        m_progress->setFormat(tr("Spawned %1 of %2").arg(m_spawnDone).arg(m_spawnWanted));
        statusBar()->showMessage(tr("Spawned %1").arg(c.name), 3000);
    });
    connect(m_actions, &ContainerActions::spawnFinished, this, &MainWindow::onSpawnFinished);
    connect(m_actions, &ContainerActions::busyChanged, this, &MainWindow::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateActions);

    updateChartCapacity();
    updateDockerLabel();
    updateSourceLabel();
    if (const QString address = m_engine->receiverAddress(); !address.isEmpty())
        setReceiverStatus(address, tr("Log store in %1").arg(m_engine->dataDir()));
    else
        setReceiverStatus(m_engine->options().listen ? tr("not listening") : tr("off (--no-listen)"));
    updateActions();
    resize(1280, 860);
}

MainWindow::~MainWindow() = default;

CategoryPanel* MainWindow::categoryPanel(Category category) const
{
    const int i = categoryIndex(category);
    return i < 0 ? nullptr : m_categoryPanels[size_t(i)];
}

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

    m_killAct = new QAction(icon("process-stop", ":/icons/kill.svg"), tr("&Kill…"), this);
    m_killAct->setObjectName(QStringLiteral("killAction"));
    m_killAct->setShortcut(QKeySequence::Delete);
    m_killAct->setToolTip(tr("Kill and remove the selected containers (Del)"));
    connect(m_killAct, &QAction::triggered, this, &MainWindow::requestKill);
    m_table->addAction(m_killAct);

    m_spawnAct = new QAction(icon("list-add", ":/icons/spawn.svg"), tr("&Spawn…"), this);
    m_spawnAct->setObjectName(QStringLiteral("spawnAction"));
    m_spawnAct->setShortcut(QKeySequence::New);
    m_spawnAct->setToolTip(tr("Create stress containers (Ctrl+N)"));
    connect(m_spawnAct, &QAction::triggered, this, &MainWindow::requestSpawn);

    m_exportAct = new QAction(icon("document-save-as", ":/icons/export.svg"), tr("&Export charts…"), this);
    m_exportAct->setObjectName(QStringLiteral("exportAction"));
    m_exportAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAct->setToolTip(tr("Write PNG and SVG of every chart panel and a CSV of the series (Ctrl+E)"));
    connect(m_exportAct, &QAction::triggered, this, &MainWindow::requestExport);

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
    m_filterAct->setShortcut(QKeySequence::Find);
    connect(m_filterAct, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(m_filterAct);

    m_autoManageAct = new QAction(tr("&Auto-manage"), this);
    m_autoManageAct->setObjectName(QStringLiteral("autoManageAction"));
    m_autoManageAct->setCheckable(true);
    m_autoManageAct->setChecked(m_engine->options().manage);
    connect(m_autoManageAct, &QAction::toggled, m_managerPane, &ManagerPane::setAutoManage);
    m_dryRunAct = new QAction(tr("&Dry run"), this);
    m_dryRunAct->setObjectName(QStringLiteral("dryRunAction"));
    m_dryRunAct->setCheckable(true);
    m_dryRunAct->setChecked(m_engine->options().dryRun);
    connect(m_dryRunAct, &QAction::toggled, m_managerPane, &ManagerPane::setDryRun);

    m_sourceGroup = new QActionGroup(this);
    const QList<QPair<SourceOptions::Kind, QString>> sources
        = { { SourceOptions::Kind::Auto, tr("&Auto (module if loaded, else cgroup)") },
            { SourceOptions::Kind::Kmod, tr("&Kernel module") },
            { SourceOptions::Kind::Cgroup, tr("&cgroup files") } };
    for (const auto& [kind, text] : sources) {
        QAction* a = m_sourceGroup->addAction(text);
        a->setCheckable(true);
        a->setData(int(kind));
        a->setChecked(m_engine->options().source.kind == kind);
    }
    connect(m_sourceGroup, &QActionGroup::triggered, this, [this](QAction* a) {
        m_sourcePreference = SourceOptions::Kind(a->data().toInt());
        QSettings().setValue(QStringLiteral("engine/source"), sourceKindName(m_sourcePreference));
        statusBar()->showMessage(
            tr("Metrics source %1: used from the next start").arg(sourceKindName(m_sourcePreference)), 10000);
    });

    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        QAction* a = new QAction(ContainerTableModel::columnTitle(c), this);
        a->setCheckable(true);
        a->setChecked(true);
        a->setEnabled(c != ContainerTableModel::Name); // the row needs a name
        connect(a, &QAction::toggled, this, [this, c](bool on) { m_table->setColumnHidden(c, !on); });
        m_columnActs.append(a);
    }
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_exportAct);
    file->addSeparator();
    file->addAction(m_quitAct);

    QMenu* containers = menuBar()->addMenu(tr("&Containers"));
    containers->addAction(m_spawnAct);
    containers->addAction(m_killAct);
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
    QMenu* columns = view->addMenu(tr("&Columns"));
    columns->addActions(m_columnActs);
    view->addAction(m_managerDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAct);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_spawnAct);
    bar->addAction(m_killAct);
    bar->addSeparator();
    bar->addAction(m_refreshAct);
    bar->addAction(m_freezeAct);
    bar->addSeparator();
    bar->addAction(m_exportAct);
}

void MainWindow::createStatusBar()
{
    m_sourceLabel->setObjectName(QStringLiteral("sourceLabel"));
    m_dockerLabel->setObjectName(QStringLiteral("dockerLabel"));
    m_receiverLabel->setObjectName(QStringLiteral("receiverLabel"));
    m_tickLabel->setObjectName(QStringLiteral("tickLabel"));
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_sourceLabel);
    statusBar()->addPermanentWidget(m_dockerLabel);
    statusBar()->addPermanentWidget(m_receiverLabel);
    statusBar()->addPermanentWidget(m_tickLabel);
    m_tickLabel->setText(tr("Waiting for the first tick…"));
}

void MainWindow::setReceiverStatus(const QString& text, const QString& toolTip)
{
    m_receiverLabel->setText(tr("Receiver: %1").arg(text));
    m_receiverLabel->setToolTip(toolTip);
}

void MainWindow::updateSourceLabel()
{
    const QString name = m_engine->sourceName();
    const QString location = m_engine->sourceLocation();
    if (name.isEmpty()) {
        m_sourceLabel->setText(tr("Metrics: starting…"));
        return;
    }
    if (name == QLatin1String("kmod")) {
        m_sourceLabel->setText(tr("Metrics: kernel module"));
        m_sourceLabel->setToolTip(location);
    } else if (m_engine->options().source.kind == SourceOptions::Kind::Auto) {
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

void MainWindow::updateDockerLabel()
{
    DockerClient* docker = m_engine->docker();
    if (!docker) {
        m_dockerLabel->setText(tr("Docker: not configured"));
        m_dockerLabel->setToolTip(QString());
        return;
    }
    const QString endpoint = docker->endpointUrl();
    if (docker->isConnected()) {
        const QString api = docker->apiVersion();
        m_dockerLabel->setText(tr("Docker: connected (%1)").arg(endpoint));
        m_dockerLabel->setToolTip(api.isEmpty() ? endpoint : tr("%1, API %2").arg(endpoint, api));
    } else {
        const QString error = docker->lastError();
        m_dockerLabel->setText(error.isEmpty() ? tr("Docker: connecting to %1…").arg(endpoint)
                                               : tr("Docker: disconnected (%1)").arg(endpoint));
        m_dockerLabel->setToolTip(error);
    }
}

void MainWindow::updateActions()
{
    const bool connected = m_actions->isConnected();
    const bool selected = m_table->selectionModel() && m_table->selectionModel()->hasSelection();
    m_killAct->setEnabled(connected && selected && !m_actions->isKilling() && !m_killConfirm);
    m_spawnAct->setEnabled(connected && !m_actions->isSpawning() && !m_spawnDialog);
    m_exportAct->setEnabled(!m_exportJob);
}

void MainWindow::updateChartCapacity()
{
    const double interval = std::max(0.1, m_engine->intervalSeconds());
    const qsizetype samples
        = std::clamp<qsizetype>(qsizetype(std::ceil(kChartWindowSeconds / interval)), 10, kMaxChartSamples);
    m_history.setCapacity(samples);
}

void MainWindow::showSnapshot(const Snapshot& snapshot)
{
    m_last = snapshot;
    // The history always records, so a frozen display leaves no gap.
    m_history.append(snapshot);
    updateSourceLabel();
    if (!m_frozen)
        refreshViews();
    Q_EMIT snapshotShown();
}

void MainWindow::refreshViews()
{
    const Snapshot& snapshot = m_last;
    m_model->setSnapshot(snapshot);
    if (!m_columnsSized && !snapshot.containers.isEmpty()) {
        // Once, on the first rows: later refreshes never move the columns
        // under the user's pointer.
        m_table->resizeColumnsToContents();
        for (int c = 0; c < ContainerTableModel::ColumnCount; ++c)
            m_table->setColumnWidth(c, std::max(m_table->columnWidth(c), 60) + 12);
        m_columnsSized = true;
    }
    m_systemPanel->refresh();
    for (CategoryPanel* p : m_categoryPanels)
        p->refresh();
    const QDateTime when = snapshot.timestamp.isValid() ? snapshot.timestamp : QDateTime::currentDateTime();
    m_tickLabel->setText(
        tr("Last tick %1 · %2")
            .arg(when.toLocalTime().toString(QStringLiteral("HH:mm:ss")), containers(int(snapshot.containers.size()))));
    m_tickLabel->setToolTip(snapshot.warnings.isEmpty() ? QString() : snapshot.warnings.join(QLatin1Char('\n')));
    updateActions();
}

void MainWindow::setFrozen(bool frozen)
{
    if (m_frozen == frozen)
        return;
    m_frozen = frozen;
    if (m_freezeAct->isChecked() != frozen)
        m_freezeAct->setChecked(frozen);
    if (frozen) {
        m_tickLabel->setText(m_tickLabel->text() + tr(" (display frozen)"));
    } else {
        refreshViews();
    }
    statusBar()->showMessage(
        frozen ? tr("Display frozen: sampling and managing go on (Ctrl+P to resume)") : tr("Display live again"), 5000);
}

QList<ContainerMetrics> MainWindow::selectedContainers() const
{
    QList<ContainerMetrics> out;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const QModelIndex source = m_proxy->mapToSource(proxyIndex);
        if (source.isValid())
            out.append(m_model->container(source.row()));
    }
    return out;
}

void MainWindow::requestKill()
{
    const QList<ContainerMetrics> victims = selectedContainers();
    if (victims.isEmpty() || m_killConfirm || !m_killAct->isEnabled())
        return;
    QStringList lines;
    for (int i = 0; i < victims.size() && i < 12; ++i)
        lines.append(QStringLiteral("• ") + containerLabel(victims.at(i)));
    if (victims.size() > 12)
        lines.append(tr("… and %1 more").arg(victims.size() - 12));
    auto* box
        = new QMessageBox(QMessageBox::Warning, tr("Kill containers"),
                          tr("Kill and remove %1?").arg(containers(int(victims.size()))), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("killConfirmation"));
    box->setInformativeText(lines.join(QLatin1Char('\n'))
                            + tr("\n\nThey are stopped with SIGKILL and removed (docker rm -f)."));
    QPushButton* kill = box->addButton(tr("&Kill"), QMessageBox::DestructiveRole);
    kill->setObjectName(QStringLiteral("confirmKill"));
    box->addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelKill"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    m_killConfirm = box;
    // The ids are fixed now: a refresh while the box is open must not change
    // what the user agreed to.
    connect(box, &QMessageBox::buttonClicked, this, [this, box, kill, victims](QAbstractButton* button) {
        if (button == kill) {
            statusBar()->showMessage(tr("Killing %1…").arg(containers(int(victims.size()))));
            m_actions->kill(victims);
        } else {
            statusBar()->showMessage(tr("Kill cancelled"), 3000);
        }
        Q_UNUSED(box)
    });
    // finished, not destroyed: a QPointer is still set while destroyed() runs.
    connect(box, &QDialog::finished, this, [this] {
        m_killConfirm = nullptr;
        updateActions();
    });
    updateActions();
    box->open();
}

void MainWindow::onKillFinished(const QList<Decision>& results)
{
    // Show the table without them now rather than at the next tick.
    m_engine->tickNow();
    m_managerPane->addDecisions(results);
    QStringList failures;
    int removed = 0;
    for (const Decision& d : results) {
        if (d.result == Decision::Result::Failed)
            failures.append(QStringLiteral("%1: %2").arg(d.name.isEmpty() ? d.shortId() : d.name, d.error));
        else
            ++removed;
    }
    statusBar()->showMessage(tr("Killed %1 of %2").arg(removed).arg(containers(int(results.size()))), 10000);
    if (!failures.isEmpty()) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Kill"),
                                    tr("%1 could not be removed.").arg(containers(int(failures.size()))),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("killResult"));
        box->setDetailedText(failures.join(QLatin1Char('\n')));
        box->setInformativeText(failures.mid(0, 5).join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    updateActions();
}

void MainWindow::requestSpawn()
{
    if (m_spawnDialog || !m_spawnAct->isEnabled())
        return;
    auto* dialog = new SpawnDialog(m_actions->spawnSettings(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_spawnDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const SpawnRequest request = dialog->request();
        m_spawnWanted = request.count;
        m_spawnDone = 0;
        if (m_actions->spawn(request)) {
            m_progress->setRange(0, 0); // busy until the image is there
            m_progress->setFormat(tr("Spawning…"));
            m_progress->show();
            statusBar()->showMessage(tr("Spawning %1…").arg(containers(request.count)));
        } else {
            statusBar()->showMessage(tr("Cannot spawn now: Docker is not connected or a spawn is running"), 10000);
        }
    });
    connect(dialog, &QDialog::finished, this, [this] {
        m_spawnDialog = nullptr;
        updateActions();
    });
    updateActions();
    dialog->open();
}

void MainWindow::onPullProgress(const PullProgress& p)
{
    m_progress->show();
    if (p.totalBytes > 0) {
        // QProgressBar counts in int: KiB keep images up to 2 TiB in range.
        m_progress->setRange(0, int(p.totalBytes / 1024));
        m_progress->setValue(int(std::min(p.totalCurrent, p.totalBytes) / 1024));
        m_progress->setFormat(
            tr("Pulling image: %1 / %2").arg(formatBytes(double(p.totalCurrent)), formatBytes(double(p.totalBytes))));
    } else {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("Pulling image: %1").arg(p.status));
    }
    if (!p.error.isEmpty())
        statusBar()->showMessage(tr("Pull failed: %1").arg(p.error), 10000);
}

void MainWindow::onSpawnFinished(const SpawnReport& report)
{
    m_engine->tickNow();
    m_progress->hide();
    statusBar()->showMessage(tr("Spawned %1").arg(containers(int(report.created.size()))), 10000);
    if (!report.ok()) {
        auto* box
            = new QMessageBox(QMessageBox::Warning, tr("Spawn"),
                              tr("%1 of %2 containers were created.").arg(report.created.size()).arg(m_spawnWanted),
                              QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("spawnResult"));
        box->setInformativeText(report.errors.mid(0, 5).join(QLatin1Char('\n')));
        box->setDetailedText(report.errors.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    updateActions();
}

void MainWindow::requestExport()
{
    if (m_exportJob)
        return;
    QSettings settings;
    const QString start
        = settings
              .value(QStringLiteral("export/dir"), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
              .toString();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts to"), start);
    if (dir.isEmpty())
        return;
    settings.setValue(QStringLiteral("export/dir"), dir);
    exportChartsTo(dir);
}

bool MainWindow::exportChartsTo(const QString& dir)
{
    if (m_exportJob)
        return false;
    m_exportJob = std::make_unique<ChartExportJob>(m_history, dir);
    m_exportError.clear();
    if (!m_exportJob->start(&m_exportError)) {
        m_exportJob.reset();
        statusBar()->showMessage(tr("Export failed: %1").arg(m_exportError), 10000);
        Q_EMIT exportFinished({}, m_exportError);
        return false;
    }
    m_progress->setRange(0, m_exportJob->stepCount());
    m_progress->setValue(0);
    m_progress->setFormat(tr("Exporting charts…"));
    m_progress->show();
    updateActions();
    QTimer::singleShot(0, this, &MainWindow::exportStep);
    return true;
}

void MainWindow::exportStep()
{
    if (!m_exportJob)
        return;
    const bool ok = m_exportJob->next(&m_exportError);
    m_progress->setValue(m_exportJob->stepsDone());
    if (ok && !m_exportJob->atEnd()) {
        // One page per event-loop turn: input and ticks go through between.
        QTimer::singleShot(0, this, &MainWindow::exportStep);
        return;
    }
    const QStringList files = m_exportJob->writtenFiles();
    const QString dir = files.isEmpty() ? QString() : QFileInfo(files.first()).absolutePath();
    m_exportJob.reset();
    m_progress->hide();
    if (ok)
        statusBar()->showMessage(tr("Exported %1 files to %2").arg(files.size()).arg(dir), 10000);
    else
        statusBar()->showMessage(tr("Export failed: %1").arg(m_exportError), 10000);
    updateActions();
    Q_EMIT exportFinished(files, ok ? QString() : m_exportError);
}

void MainWindow::showAbout()
{
    DockerClient* client = m_engine->docker();
    const QString docker = client && client->isConnected()
        ? tr("Docker at %1 (API %2)").arg(client->endpointUrl(), client->apiVersion())
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

void MainWindow::showColumnMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addActions(m_columnActs);
    menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    if (const QByteArray g = s.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray st = s.value(QStringLiteral("window/state")).toByteArray(); !st.isEmpty())
        restoreState(st);
    if (const QByteArray h = s.value(QStringLiteral("table/header")).toByteArray(); !h.isEmpty())
        m_columnsSized = m_table->horizontalHeader()->restoreState(h);
    if (auto* split = findChild<QSplitter*>(QStringLiteral("mainSplitter"))) {
        if (const QByteArray sp = s.value(QStringLiteral("window/splitter")).toByteArray(); !sp.isEmpty())
            split->restoreState(sp);
    }
    for (int c = 0; c < m_columnActs.size(); ++c)
        m_columnActs.at(c)->setChecked(!m_table->isColumnHidden(c));
    m_tabs->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    s.setValue(QStringLiteral("table/header"), m_table->horizontalHeader()->saveState());
    if (auto* split = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        s.setValue(QStringLiteral("window/splitter"), split->saveState());
    s.setValue(QStringLiteral("engine/interval"), m_engine->intervalSeconds());
    s.setValue(QStringLiteral("engine/source"), sourceKindName(m_sourcePreference));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}
