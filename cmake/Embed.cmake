# tamkine_embed(OUT_VAR FILE SYMBOL): generates a .cc defining
#   extern const std::string_view SYMBOL;
# with the bytes of FILE, and appends it to OUT_VAR. Used for data the binary needs at run time
# (the regions file, the OpenAPI document) so a deployment carries no loose data files.
function(tamkine_embed out_var file symbol)
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/embed_${symbol}.cc)
  add_custom_command(
    OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${gen} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${file}")
  set(${out_var} ${${out_var}} ${gen} PARENT_SCOPE)
endfunction()
