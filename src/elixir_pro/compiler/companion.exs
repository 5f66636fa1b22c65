# elixir-pro's warm compiler companion: one BEAM with Mix and the project loaded, started by
# elixir_pro/compiler/companion.py as `elixir companion.exs` in the project root.
#
# Protocol (line-delimited, both ways):
#   requests on stdin, one per line:   "compile <id>" | "ping <id>" | "stop"
#   replies on stdout, one per line:   "@ep " <> a JSON object (pure ASCII)
#     {"event":"ready","elixir":..,"otp":..,"mix_env":..,"build_path":..,"pid":..}
#     {"event":"boot_error","message":..}                      (then the VM halts)
#     {"event":"compiled","id":..,"status":"ok"|"noop"|"error","diagnostics":[..],
#      "compiled":[..],"output":..,"ms":..}
#     {"event":"pong","id":..}
#   Lines without the "@ep " prefix are noise (a logger writing to the console) and are ignored.
#
# Lifecycle: the VM halts on "stop", at end of input (its parent closed the pipe or died, even
# by SIGKILL) and when its parent process changes (Linux: /proc/self/stat), whichever comes first.

defmodule ElixirProCompanion.JSON do
  @moduledoc false

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(n) when is_integer(n), do: Integer.to_string(n)
  def encode(n) when is_float(n), do: Float.to_string(n)
  def encode(a) when is_atom(a), do: string(Atom.to_string(a))
  def encode(s) when is_binary(s), do: string(s)
  def encode(list) when is_list(list), do: ["[", Enum.map_intersperse(list, ",", &encode/1), "]"]

  def encode(%{} = map) do
    pairs = Enum.map(map, fn {k, v} -> [string(to_string(k)), ":", encode(v)] end)
    ["{", Enum.intersperse(pairs, ","), "}"]
  end

  def encode(other), do: string(inspect(other))

  defp string(s), do: [?", escape(s, []), ?"]

  defp escape(<<>>, acc), do: Enum.reverse(acc)
  defp escape(<<?", rest::binary>>, acc), do: escape(rest, ["\\\"" | acc])
  defp escape(<<?\\, rest::binary>>, acc), do: escape(rest, ["\\\\" | acc])
  defp escape(<<?\n, rest::binary>>, acc), do: escape(rest, ["\\n" | acc])
  defp escape(<<?\t, rest::binary>>, acc), do: escape(rest, ["\\t" | acc])
  defp escape(<<c, rest::binary>>, acc) when c < 0x20 or c == 0x7F, do: escape(rest, [u(c) | acc])
  defp escape(<<c, rest::binary>>, acc) when c < 0x80, do: escape(rest, [c | acc])

  defp escape(<<c::utf8, rest::binary>>, acc) when c > 0xFFFF do
    v = c - 0x10000
    escape(rest, [u(0xDC00 + Bitwise.band(v, 0x3FF)), u(0xD800 + Bitwise.bsr(v, 10)) | acc])
  end

  defp escape(<<c::utf8, rest::binary>>, acc), do: escape(rest, [u(c) | acc])
  defp escape(<<_invalid, rest::binary>>, acc), do: escape(rest, [u(0xFFFD) | acc])

  defp u(c), do: "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0")
end

defmodule ElixirProCompanion do
  @moduledoc false
  @prefix "@ep "
  @max_output 20_000
  # --all-warnings: the warnings of files not recompiled now come back too (from the manifest),
  # so every reply holds all current warnings; --verbose names each compiled file.
  @compile_args ["--return-errors", "--all-warnings", "--verbose"]

  def main do
    main = self()
    spawn(fn -> read_requests(main) end)
    spawn(fn -> watch_parent(parent_pid()) end)

    case boot() do
      :ok ->
        reply(%{
          event: "ready",
          elixir: System.version(),
          otp: List.to_string(:erlang.system_info(:otp_release)),
          mix_env: Atom.to_string(Mix.env()),
          build_path: Mix.Project.build_path(),
          pid: System.pid()
        })

        loop()

      {:error, message} ->
        reply(%{event: "boot_error", message: message})
        System.halt(0)
    end
  end

  # Load the project as `mix` does (Mix.CLI): archives, mix.exs, then the config.
  defp boot do
    capture(fn ->
      Mix.start()
      Mix.Local.append_archives()
      Mix.Local.append_paths()
      old = Code.get_compiler_option(:no_warn_undefined)
      Code.put_compiler_option(:no_warn_undefined, :all)
      Code.compile_file(System.get_env("MIX_EXS") || "mix.exs")
      Code.put_compiler_option(:no_warn_undefined, old)
      Mix.Task.run("loadconfig")
      :ok
    end)
    |> case do
      {{:ok, :ok}, _output} -> :ok
      {{:raised, message}, output} -> {:error, String.trim(output <> "\n" <> message)}
    end
  end

  defp loop do
    receive do
      {:request, "stop"} ->
        System.halt(0)

      {:request, line} ->
        case String.split(line, " ", parts: 2) do
          ["compile", id] -> compile(id)
          ["ping", id] -> reply(%{event: "pong", id: id})
          _ -> reply(%{event: "unknown", request: line})
        end

        loop()
    end
  end

  defp compile(id) do
    started = System.monotonic_time(:millisecond)
    # Every task (compile, compile.all, compile.elixir, loadpaths, ...) runs once per VM unless
    # cleared; clearing makes this run exactly what a fresh `mix compile` would.
    Mix.Task.clear()
    forget_outside_builds()
    unstamp()

    {outcome, output} =
      capture(fn -> Mix.Task.run("compile", @compile_args) end)

    {status, diagnostics} =
      case outcome do
        {:ok, {status, diagnostics}} when is_list(diagnostics) -> {status, diagnostics}
        {:ok, status} when is_atom(status) -> {status, []}
        {:ok, other} -> {:error, [raised("unexpected compile result: " <> inspect(other))]}
        {:raised, message} -> {:error, [raised(message)]}
      end

    Process.put(:manifest, manifest_stat())

    reply(%{
      event: "compiled",
      id: id,
      status: status,
      diagnostics: Enum.map(diagnostics, &diagnostic/1),
      compiled: compiled_files(output),
      output: String.slice(output, 0, @max_output),
      ms: System.monotonic_time(:millisecond) - started
    })
  end

  # Another `mix compile` (a terminal, a Phoenix code reloader) may have rebuilt modules this VM
  # still holds, and the compiler would expand macros and structs from those old versions. When
  # the manifest is not as our last compile left it, drop every loaded module of the build: the
  # compiler then loads what it needs from disk again.
  defp forget_outside_builds do
    last = Process.get(:manifest)

    if last != nil and manifest_stat() != last do
      # the applications' modules; consolidated protocols are reloaded by compile.protocols
      lib = String.to_charlist(Path.join(Mix.Project.build_path(), "lib") <> "/")

      stale =
        for {module, path} <- :code.all_loaded(), is_list(path), List.starts_with?(path, lib),
            do: module

      Enum.each(stale, fn module ->
        :code.purge(module)
        :code.delete(module)
      end)
    end
  rescue
    _ -> :ok
  end

  defp manifest_stat do
    case File.stat(elixir_manifest(), time: :posix) do
      {:ok, %{mtime: mtime, size: size}} -> {mtime, size}
      _ -> nil
    end
  end

  defp elixir_manifest, do: Path.join(Mix.Project.manifest_path(), "compile.elixir")

  # Mix (1.14 at least) does not see an edit that keeps the file's size when it is saved in the
  # same second as the stamp its last compile put on the manifest (mtimes are compared in whole
  # seconds). When a source is that recent, step the stamp back one second: Mix then compares
  # such files by content, recompiles only those that changed, and stamps the manifest anew.
  defp unstamp do
    manifest = elixir_manifest()

    with {:ok, %{mtime: stamp}} <- File.stat(manifest, time: :posix),
         true <- recent_source?(stamp) do
      File.touch(manifest, stamp - 1)
    end
  rescue
    _ -> :ok
  end

  defp recent_source?(stamp) do
    (Mix.Project.config()[:elixirc_paths] || ["lib"])
    |> Mix.Utils.extract_files([:ex])
    |> Enum.any?(fn file ->
      case File.stat(file, time: :posix) do
        {:ok, %{mtime: mtime}} -> mtime >= stamp
        _ -> false
      end
    end)
  end

  defp raised(message) do
    %{file: nil, severity: :error, message: message, position: nil, compiler_name: "mix"}
  end

  # --verbose prints "Compiled <file>" per file (possibly after a compile-time IO.write).
  defp compiled_files(output) do
    for [_, file] <- Regex.scan(~r/Compiled (\S+)$/m, output), do: file
  end

  defp diagnostic(d) do
    %{
      file: text_or_nil(Map.get(d, :file)),
      source: text_or_nil(Map.get(d, :source)),
      severity: Map.get(d, :severity),
      message: text(Map.get(d, :message)),
      position: position(Map.get(d, :position)),
      span: position(Map.get(d, :span)),
      compiler: text(Map.get(d, :compiler_name))
    }
  end

  defp position(n) when is_integer(n), do: [n]
  defp position(t) when is_tuple(t), do: t |> Tuple.to_list() |> Enum.filter(&is_integer/1)
  defp position(_), do: []

  defp text_or_nil(nil), do: nil
  defp text_or_nil(value), do: text(value)

  defp text(s) when is_binary(s), do: s

  defp text(chardata) when is_list(chardata) do
    IO.chardata_to_string(chardata)
  rescue
    _ -> inspect(chardata)
  end

  defp text(other), do: inspect(other)

  # Run `fun` in a process whose standard output goes to a string, so nothing the compile
  # prints (Mix's shell, a macro's IO.puts) can reach the protocol stream.
  defp capture(fun) do
    {:ok, io} = StringIO.open("")

    task =
      Task.async(fn ->
        Process.group_leader(self(), io)

        try do
          {:ok, fun.()}
        rescue
          e -> {:raised, Exception.format(:error, e, __STACKTRACE__)}
        catch
          kind, reason -> {:raised, Exception.format(kind, reason, __STACKTRACE__)}
        end
      end)

    result = Task.await(task, :infinity)
    {_, output} = StringIO.contents(io)
    StringIO.close(io)
    {result, output}
  end

  defp reply(map) do
    IO.binwrite(:stdio, [@prefix, ElixirProCompanion.JSON.encode(map), ?\n])
  end

  defp read_requests(main) do
    case IO.binread(:stdio, :line) do
      data when is_binary(data) ->
        send(main, {:request, String.trim(data)})
        read_requests(main)

      _eof_or_error ->
        System.halt(0)
    end
  end

  defp parent_pid do
    case File.read("/proc/self/stat") do
      {:ok, stat} ->
        [_, after_name] = String.split(stat, ") ", parts: 2)
        [_state, ppid | _] = String.split(after_name, " ")
        ppid

      _ ->
        nil
    end
  end

  defp watch_parent(nil), do: :ok

  defp watch_parent(ppid) do
    Process.sleep(1000)
    if parent_pid() == ppid, do: watch_parent(ppid), else: System.halt(0)
  end
end

ElixirProCompanion.main()
