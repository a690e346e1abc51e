# What `cmake --install` puts on a machine besides the tools: Meteor's English data with its licence notice.
if(EXISTS "${CMAKE_SOURCE_DIR}/data/meteor")
  install(DIRECTORY "${CMAKE_SOURCE_DIR}/data/meteor" DESTINATION share/mgrs)
endif()
install(DIRECTORY "${CMAKE_SOURCE_DIR}/manifests" DESTINATION share/mgrs)
