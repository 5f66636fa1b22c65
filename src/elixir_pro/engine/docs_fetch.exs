# Run by elixir_pro.engine.docs through `elixir -e`: looks up documentation in the installed
# BEAM files with Code.fetch_docs/1. The queries come in the environment variable
# ELIXIR_PRO_DOC_QUERIES, one per line as "module<TAB>function<TAB>arity" (function and arity
# may be empty; an empty module means Kernel, then Kernel.SpecialForms), so nothing the user
# typed is ever evaluated as code. One line is printed per record, fields separated by tabs,
# free text Base64-encoded (several signatures joined by the character U+001E):
#   N  MOD  module  moduledoc
#   N  FUN  module  kind  name  arity  signatures  doc  deprecated
#   N  ERL  module  function  arity  text   (Erlang docs rendered by :shell_docs)
#   N  ERR  code  module
# where N is the query's index and code is one of module_not_found, no_docs, erlang (an Erlang
# module without a doc chunk), hidden, function_not_found.

defmodule ElixirProDocs do
  @kinds [:function, :macro, :callback, :macrocallback]

  def main do
    "ELIXIR_PRO_DOC_QUERIES"
    |> System.get_env("")
    |> String.split("\n", trim: true)
    |> Enum.with_index()
    |> Enum.each(fn {query, index} -> query |> String.split("\t") |> lookup(index) end)
  end

  defp lookup([module, function, arity], index) do
    candidates = if module == "", do: ["Kernel", "Kernel.SpecialForms"], else: [module]
    arity = if arity == "", do: nil, else: String.to_integer(arity)

    results = Enum.map(candidates, &lookup_in(&1, function, arity))
    found = Enum.find(results, fn {status, _} -> status == :ok end)
    {_status, lines} = found || hd(results)

    Enum.each(lines, fn fields ->
      IO.puts(Enum.join([Integer.to_string(index) | fields], "\t"))
    end)
  end

  defp lookup_in(name, function, arity) do
    module = to_module(name)

    case Code.fetch_docs(module) do
      {:docs_v1, _anno, :elixir, _format, module_doc, _meta, docs} ->
        describe(module, name, module_doc, docs, function, arity)

      {:docs_v1, _anno, _erlang, _format, _module_doc, _meta, _docs} = docs ->
        erlang(module, name, docs, function, arity)

      {:error, :module_not_found} ->
        {:error, [["ERR", "module_not_found", name]]}

      {:error, _chunk_not_found} ->
        code = if String.starts_with?(name, ":"), do: "erlang", else: "no_docs"
        {:error, [["ERR", code, name]]}
    end
  end

  # Erlang docs (an OTP doc chunk, such as Debian's erlang-doc installs) rendered as plain
  # text by the shell's own renderer.
  defp erlang(module, name, docs, function, arity) do
    config = %{ansi: false, columns: 88, encoding: :unicode}

    rendered =
      try do
        cond do
          not Code.ensure_loaded?(:shell_docs) -> {:error, :no_renderer}
          function == "" -> :shell_docs.render(module, docs, config)
          arity == nil -> :shell_docs.render(module, String.to_atom(function), docs, config)
          true -> :shell_docs.render(module, String.to_atom(function), arity, docs, config)
        end
      rescue
        _ -> {:error, :no_renderer}
      end

    case rendered do
      {:error, :function_missing} ->
        {:error, [["ERR", "function_not_found", name]]}

      {:error, _} ->
        {:error, [["ERR", "erlang", name]]}

      text ->
        arity = if arity == nil, do: "", else: Integer.to_string(arity)
        text = IO.chardata_to_string(text)
        {:ok, [["ERL", name, b64(function), arity, b64(text)]]}
    end
  end

  defp to_module(":" <> erlang), do: String.to_atom(erlang)
  defp to_module(elixir), do: Module.concat([elixir])

  defp describe(_module, name, :hidden, _docs, _function, _arity),
    do: {:error, [["ERR", "hidden", name]]}

  defp describe(_module, name, module_doc, _docs, "", _arity),
    do: {:ok, [["MOD", name, b64(text(module_doc))]]}

  defp describe(module, name, _module_doc, docs, function, arity) do
    matching =
      for {{kind, fun, fun_arity}, _anno, signatures, doc, meta} <- docs,
          kind in @kinds,
          Atom.to_string(fun) == function,
          arity == nil or
            (fun_arity - Map.get(meta, :defaults, 0) <= arity and arity <= fun_arity),
          do: {kind, fun, fun_arity, signatures, doc, meta}

    visible = Enum.reject(matching, fn {_, _, _, _, doc, _} -> doc == :hidden end)

    cond do
      visible != [] -> {:ok, Enum.map(visible, &entry(module, name, &1))}
      matching != [] -> {:error, [["ERR", "hidden", name]]}
      true -> {:error, [["ERR", "function_not_found", name]]}
    end
  end

  defp entry(module, name, {kind, fun, arity, signatures, doc, meta}) do
    signatures = if signatures == [], do: callback_specs(module, fun, arity), else: signatures
    deprecated = Map.get(meta, :deprecated, "")

    [
      "FUN",
      name,
      Atom.to_string(kind),
      b64(Atom.to_string(fun)),
      Integer.to_string(arity),
      b64(Enum.join(signatures, "\u001E")),
      b64(text(doc)),
      b64(to_string(deprecated))
    ]
  end

  defp callback_specs(module, fun, arity) do
    with {:ok, callbacks} <- Code.Typespec.fetch_callbacks(module),
         {_key, specs} <- List.keyfind(callbacks, {fun, arity}, 0) do
      Enum.map(specs, &(Code.Typespec.spec_to_quoted(fun, &1) |> Macro.to_string()))
    else
      _ -> []
    end
  end

  defp text(%{"en" => text}), do: text
  defp text(_none), do: ""

  defp b64(string), do: Base.encode64(string)
end

ElixirProDocs.main()
