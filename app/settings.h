#pragma once

#include "core/engine/engine.h"
#include "core/manager/spawner.h"

struct Options;

// The one place the command line becomes the libraries' settings: each
// library under core/ takes its own small struct and never sees Options.
// Every default has already been resolved by parseOptions() (data directory,
// image, token), so these only copy and combine.
ManagerSettings managerSettings(const Options& options);
StoreSettings storeSettings(const Options& options);
ReceiverSettings receiverSettings(const Options& options);
ReporterSettings reporterSettings(const Options& options);
SpawnSettings spawnSettings(const Options& options);
CronSettings cronSettings(const Options& options);
EngineSettings engineSettings(const Options& options);
