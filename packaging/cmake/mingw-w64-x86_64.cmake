# CMake toolchain file: cross-compile for 64-bit Windows with MinGW-w64
# (Debian: gcc-mingw-w64-x86-64). Used by the portability test
# (tests/packaging/portability.sh) to build the platform-free core:
#   cmake -S . -B build-mingw -DCMAKE_TOOLCHAIN_FILE=packaging/cmake/mingw-w64-x86_64.cmake \
#         -DADEM_CORE_ONLY=ON -DADEM_TESTS=OFF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(ADEM_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${ADEM_MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${ADEM_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${ADEM_MINGW_PREFIX})
# Programs from the build machine; headers and libraries from the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
