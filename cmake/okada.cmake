# Build helpers shared by every target. One place decides warnings, sanitizers and linkers.

find_program(OKADA_CCACHE ccache)
if(OKADA_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${OKADA_CCACHE})
endif()

find_program(OKADA_MOLD mold)
if(OKADA_MOLD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_link_options(-fuse-ld=mold)
endif()

add_compile_options(-Wall -Wextra -Wno-unused-parameter)
# Boost.Asio: we use only the standard coroutine support and no deprecated interfaces.
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE
                        BOOST_BEAST_USE_STD_STRING_VIEW BOOST_ASIO_HAS_CO_AWAIT)

if(OKADA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# okada_add_test(NAME SOURCES... LIBS ... LABELS ...)
#   Tests sit beside the code: foo_test.cpp (pure, label unit) or foo_itest.cpp (real PostgreSQL/Redis,
#   label integration). Each integration suite gets a fresh database from the test fixture.
function(okada_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 600)
endfunction()
