# stevedore_add_test(NAME tst_foo SOURCES tst_foo.cpp LABELS unit [LIBS ...] [TIMEOUT s])
# One QtTest executable per test file, registered with CTest. Fixture files
# are found at run time with QFINDTESTDATA relative to the source folder.
function(stevedore_add_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LABELS;LIBS;ENVIRONMENT" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE stevedore_core Qt6::Test ${T_LIBS})
    target_compile_definitions(${T_NAME} PRIVATE
        STEVEDORE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        STEVEDORE_BINARY_DIR="${PROJECT_BINARY_DIR}")
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${T_ENVIRONMENT}")
endfunction()
