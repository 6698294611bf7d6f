#pragma once

// The rules files of tst_alerts_service (kept out of the .cpp: moc does not
// parse raw string literals with braces well).

inline const char* cpuRulesTemplate()
{
    return R"({"rules":[{"name":"cpu-busy","select":{"labels":{"stevedore.test":"%1"}},
                "metric":"cpu_percent","op":">","threshold":10,"for":3,"severity":"critical",
                "actions":[{"type":"webhook","url":"http://127.0.0.1:%2/hook"}]}]})";
}

inline const char* otherRules()
{
    return R"({"rules":[{"name":"other","metric":"memory_percent","threshold":99}]})";
}

inline const char* killRulesTemplate()
{
    return R"({"rules":[{"name":"kill-busy","select":{"labels":{"stevedore.test":"%1"}},
                "metric":"cpu_percent","op":">","threshold":5,"for":1,"actions":[{"type":"kill"}]}]})";
}
