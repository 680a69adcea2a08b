# packaging/install.cmake: what `cmake --install` lays out, and the packages
# CPack makes of it (a .deb, and a source tarball). Included by CMakeLists.txt
# once the adem target exists.
#
#   bin/adem
#   lib/<triplet>/adem/adem-web.so         the page for the room (libmicrohttpd)
#   lib/<triplet>/adem/adem-mpris.so       MPRIS2 (libsystemd)
#   lib/<triplet>/adem/adem-portaudio.so   devices through PortAudio
#   lib/<triplet>/adem/adem-jack.so        adem's own JACK client (libjack)
#   lib/<triplet>/adem/adem-pipewire.so    adem's own PipeWire stream;
#                                           each when built, loaded by adem
#                                           only when used
#                                           (ADEM_INSTALL_MODULEDIR)
#   share/adem/sessions/*.adem              the built-in sessions
#   share/adem/voices/nl/                   the Dutch voice pack
#   share/adem/web/                         the page for the room (play --web)
#   share/man/man1/adem.1.gz                (not compressed when gzip is missing)
#   share/man/man5/adem-session.5.gz
#   share/bash-completion/completions/adem
#   share/doc/adem/                         README.md, sessions.md, copyright
#
# adem finds share/adem next to its own binary (<bindir>/../share/adem, see
# src/io/paths.c), and its modules in <bindir>/../<libdir>/adem (see
# src/app/module.h), so an installed tree works wherever it is moved.

set(ADEM_MAINTAINER "The adem developers <adem@example.org>"
    CACHE STRING "Maintainer of the packages (Debian's Maintainer field)")
option(ADEM_INSTALL_COMPLETION "Install the bash completion" ON)

set(ADEM_DOCDIR "${CMAKE_INSTALL_DATADIR}/doc/adem")
set(ADEM_GEN "${CMAKE_BINARY_DIR}/packaging")

# ---- Man pages and the Debian changelog: made at build time -------------------
# The man page sources are roff with @ADEM_VERSION@/@ADEM_MAN_DATE@ filled in
# here; gzip -9n (no name, no time stamp) keeps the packages reproducible.
set(ADEM_VERSION "${PROJECT_VERSION}")
set(ADEM_MAN_DATE "2026-11-21")
set(ADEM_MAN_PAGES adem.1 adem-session.5)
foreach(page IN LISTS ADEM_MAN_PAGES)
  configure_file("${PROJECT_SOURCE_DIR}/packaging/man/${page}.in" "${ADEM_GEN}/man/${page}" @ONLY)
endforeach()

set(ADEM_DEB_VERSION "${PROJECT_VERSION}-1")
string(TIMESTAMP ADEM_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC) # honours SOURCE_DATE_EPOCH
configure_file("${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in"
               "${ADEM_GEN}/debian/changelog.Debian" @ONLY)

find_program(ADEM_GZIP gzip)
set(ADEM_GZIPPED "")
if(ADEM_GZIP)
  foreach(f man/adem.1 man/adem-session.5 debian/changelog.Debian)
    add_custom_command(OUTPUT "${ADEM_GEN}/${f}.gz"
      COMMAND "${ADEM_GZIP}" -9nkf "${ADEM_GEN}/${f}"
      DEPENDS "${ADEM_GEN}/${f}"
      COMMENT "gzip ${f}" VERBATIM)
    list(APPEND ADEM_GZIPPED "${ADEM_GEN}/${f}.gz")
  endforeach()
  add_custom_target(adem_packaging_files ALL DEPENDS ${ADEM_GZIPPED})
  set(ADEM_MAN_SUFFIX ".gz")
else()
  set(ADEM_MAN_SUFFIX "")
endif()

# ---- The install tree -----------------------------------------------------------
install(TARGETS adem RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(ADEM_MODULES)
  install(TARGETS ${ADEM_MODULES} LIBRARY DESTINATION ${ADEM_INSTALL_MODULEDIR})
endif()
install(DIRECTORY audio/sessions/ DESTINATION ${CMAKE_INSTALL_DATADIR}/adem/sessions
        FILES_MATCHING PATTERN "*.adem")
# Every voice pack, without the generator's manifest (.generated) or other dot files.
install(DIRECTORY audio/voices/ DESTINATION ${CMAKE_INSTALL_DATADIR}/adem/voices
        REGEX "/\\.[^/]*$" EXCLUDE)
install(FILES audio/web/index.html audio/web/guide.js audio/web/guide.css
        DESTINATION ${CMAKE_INSTALL_DATADIR}/adem/web)
install(FILES "${ADEM_GEN}/man/adem.1${ADEM_MAN_SUFFIX}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES "${ADEM_GEN}/man/adem-session.5${ADEM_MAN_SUFFIX}"
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
if(ADEM_INSTALL_COMPLETION)
  install(FILES packaging/completion/adem.bash RENAME adem
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()
install(FILES README.md DESTINATION ${ADEM_DOCDIR})
install(FILES audio/sessions/README.md RENAME sessions.md DESTINATION ${ADEM_DOCDIR})
install(FILES packaging/debian/copyright DESTINATION ${ADEM_DOCDIR})
# Debian's changelog and lintian overrides only go into the .deb (component
# "debian", see packaging/cpack-project.cmake).
if(ADEM_GZIP)
  install(FILES "${ADEM_GEN}/debian/changelog.Debian.gz" DESTINATION ${ADEM_DOCDIR}
          COMPONENT debian EXCLUDE_FROM_ALL)
endif()
install(FILES packaging/debian/lintian-overrides RENAME adem
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        COMPONENT debian EXCLUDE_FROM_ALL)

# ---- Windows: a manifest that makes the process's code page UTF-8 --------------
# (so fopen and libsndfile take adem's UTF-8 paths), Windows 10 1903 and later.
if(WIN32)
  if(MSVC)
    target_sources(adem PRIVATE packaging/windows/adem.manifest)
  elseif(MINGW)
    enable_language(RC)
    target_sources(adem PRIVATE packaging/windows/adem.rc)
  endif()
endif()

# ---- CPack: a .deb (Linux with dpkg) and a source tarball -------------------------
set(CPACK_PACKAGE_NAME adem)
set(CPACK_PACKAGE_VENDOR "The adem developers")
set(CPACK_PACKAGE_CONTACT "${ADEM_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "guided breathing and relaxation player")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)

find_program(ADEM_DPKG dpkg)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND ADEM_DPKG)
  set(CPACK_GENERATOR DEB)
else()
  set(CPACK_GENERATOR TGZ)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ADEM_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# (CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY in front as the synopsis.)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"adem plays guided breathing and relaxation sessions for people with
long-lasting pain: 4-7-8 breathing, calm breathing, shaking out tension,
progressive muscle relaxation. A calm Dutch voice says what to do, soft
tones rise and fall with the breath, a bell marks the start and the end.
.
Sessions are small text files a physiotherapist can write; adem plays
them on a sound card with timing exact to the sample, or renders them to
WAV, FLAC or Ogg Vorbis files.")

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "adem-${PROJECT_VERSION}")
# What is not source: build trees, version control, editor and run leftovers.
# (Regular expressions, written twice escaped: CPack reads them from a file.)
set(CPACK_SOURCE_IGNORE_FILES
  "/\\\\.git/" "/\\\\.gitignore$" "/build[^/]*/" "/_CPack_Packages/" "/\\\\.bootstrap\\\\.log$"
  "\\\\.part$" "/\\\\.ci/" "~$" "\\\\.swp$" "/\\\\.cache/" "/compile_commands\\\\.json$")
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/packaging/cpack-project.cmake")
include(CPack)
