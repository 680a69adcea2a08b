# packaging/cpack-project.cmake: settings per generator, read by cpack
# (CPACK_PROJECT_CONFIG_FILE) after CPackConfig.cmake.
if(CPACK_GENERATOR STREQUAL "DEB")
  # The .deb also installs the "debian" component: Debian's changelog, which
  # lintian requires and no other install wants.
  list(GET CPACK_INSTALL_CMAKE_PROJECTS 0 adem_build_dir)
  set(CPACK_INSTALL_CMAKE_PROJECTS
      "${adem_build_dir};adem;ALL;/"
      "${adem_build_dir};adem;debian;/")
endif()
