#pragma once

// The kernel module's JSON format is parsed in one place, model/kmodjson.h;
// this header only keeps older includes working.
#include "model/kmodjson.h"
