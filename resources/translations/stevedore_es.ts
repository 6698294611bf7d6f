<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AlertList</name>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravedad</translation>
    </message>
    <message>
        <source>Container</source>
        <translation>Contenedor</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Visto por primera vez</translation>
    </message>
    <message>
        <source>Last value</source>
        <translation>Último valor</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Umbral</translation>
    </message>
    <message>
        <source>&amp;Reload rules</source>
        <translation>&amp;Recargar reglas</translation>
    </message>
    <message>
        <source>Stevedore</source>
        <translation>Stevedore</translation>
    </message>
    <message>
        <source>Alerts are not running (the engine did not start).</source>
        <translation>Las alertas no están activas (el motor no arrancó).</translation>
    </message>
    <message>
        <source>firing</source>
        <translation>activa</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pendiente</translation>
    </message>
    <message>
        <source>firing since %1</source>
        <translation>activa desde %1</translation>
    </message>
    <message>
        <source>Alert firing: %1</source>
        <translation>Alerta activa: %1</translation>
    </message>
    <message>
        <source>Alert resolved: %1</source>
        <translation>Alerta resuelta: %1</translation>
    </message>
    <message>
        <source>%1 (%2): value %3, threshold %4</source>
        <translation>%1 (%2): valor %3, umbral %4</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <source>&amp;Alerts</source>
        <translation>A&amp;lertas</translation>
    </message>
    <message>
        <source>&amp;Edit rules…</source>
        <translation>&amp;Editar reglas…</translation>
    </message>
    <message numerus="yes">
        <source>%n rules from %1</source>
        <translation>
            <numerusform>%n regla de %1</numerusform>
            <numerusform>%n reglas de %1</numerusform>
        </translation>
    </message>
    <message>
        <source>info</source>
        <translation>información</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>crítica</translation>
    </message>
</context>
<context>
    <name>ChartText</name>
    <message>
        <source>no entries</source>
        <translation>sin entradas</translation>
    </message>
    <message>
        <source>1 entry, %1 – %2 (%3)</source>
        <translation>1 entrada, %1 – %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>%n entries, %1 – %2 (%3)</source>
        <translation>
            <numerusform>%n entrada, %1 – %2 (%3)</numerusform>
            <numerusform>%n entradas, %1 – %2 (%3)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — no container in the newest entry</source>
        <translation>%1 — ningún contenedor en la entrada más reciente</translation>
    </message>
    <message>
        <source>%1 — 1 container in the newest entry</source>
        <translation>%1 — 1 contenedor en la entrada más reciente</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n containers in the newest entry (figures are their sum)</source>
        <translation>
            <numerusform>%1 — %n contenedor en la entrada más reciente (las cifras son su suma)</numerusform>
            <numerusform>%1 — %n contenedores en la entrada más reciente (las cifras son su suma)</numerusform>
        </translation>
    </message>
    <message>
        <source>System metrics</source>
        <translation>Métricas del sistema</translation>
    </message>
    <message>
        <source>Containers by category</source>
        <translation>Contenedores por categoría</translation>
    </message>
    <message>
        <source>%1 — per category: sum over its containers in each entry</source>
        <translation>%1 — por categoría: suma de sus contenedores en cada entrada</translation>
    </message>
    <message>
        <source>CPU usage</source>
        <translation>Uso de CPU</translation>
    </message>
    <message>
        <source>Memory usage</source>
        <translation>Uso de memoria</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>no se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>cannot paint SVG %1</source>
        <translation>no se puede dibujar el SVG %1</translation>
    </message>
    <message>
        <source>chart export needs a QApplication (use QT_QPA_PLATFORM=offscreen without a display)</source>
        <translation>exportar gráficas necesita una QApplication (use QT_QPA_PLATFORM=offscreen sin pantalla)</translation>
    </message>
    <message>
        <source>cannot create directory %1</source>
        <translation>no se puede crear el directorio %1</translation>
    </message>
    <message numerus="yes">
        <source>drawing %1 of %n entries (%2 to %3)</source>
        <translation>
            <numerusform>dibujando %1 de %n entrada (de %2 a %3)</numerusform>
            <numerusform>dibujando %1 de %n entradas (de %2 a %3)</numerusform>
        </translation>
    </message>
    <message>
        <source>the first</source>
        <translation>la primera</translation>
    </message>
    <message>
        <source>the last</source>
        <translation>la última</translation>
    </message>
    <message numerus="yes">
        <source>drawing the latest run: %1 of %n entries read, from %2 (%3 runs among them; --since/--until choose others)</source>
        <translation>
            <numerusform>dibujando la última ejecución: %1 de %n entrada leída, desde %2 (%3 ejecuciones entre ellas; --since/--until eligen otras)</numerusform>
            <numerusform>dibujando la última ejecución: %1 de %n entradas leídas, desde %2 (%3 ejecuciones entre ellas; --since/--until eligen otras)</numerusform>
        </translation>
    </message>
    <message>
        <source>no data</source>
        <translation>sin datos</translation>
    </message>
    <message>
        <source>now %1%2</source>
        <translation>ahora %1%2</translation>
    </message>
    <message>
        <source>Read ops</source>
        <translation>Ops. de lectura</translation>
    </message>
    <message>
        <source>Write ops</source>
        <translation>Ops. de escritura</translation>
    </message>
    <message>
        <source>ops</source>
        <translation>ops</translation>
    </message>
    <message>
        <source>ops (billions)</source>
        <translation>ops (miles de millones)</translation>
    </message>
    <message>
        <source>ops (millions)</source>
        <translation>ops (millones)</translation>
    </message>
    <message>
        <source>ops (thousands)</source>
        <translation>ops (miles)</translation>
    </message>
    <message>
        <source>Read ops: %1</source>
        <translation>Ops. de lectura: %1</translation>
    </message>
    <message>
        <source>Write ops: %1</source>
        <translation>Ops. de escritura: %1</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>a las %1</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memoria</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Usada</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Libre</translation>
    </message>
    <message>
        <source>Host CPU %</source>
        <translation>CPU del host %</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>RAM %</source>
        <translation>RAM %</translation>
    </message>
    <message>
        <source>Disk write/read</source>
        <translation>Escritura/lectura de disco</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Escritura</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lectura</translation>
    </message>
    <message>
        <source>I/O ops</source>
        <translation>Operaciones de E/S</translation>
    </message>
    <message>
        <source>no disk I/O</source>
        <translation>sin E/S de disco</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Memoria usada</translation>
    </message>
    <message>
        <source>Memory free</source>
        <translation>Memoria libre</translation>
    </message>
</context>
<context>
    <name>ChartsArea</name>
    <message>
        <source>&amp;System</source>
        <translation>&amp;Sistema</translation>
    </message>
    <message>
        <source>Containers by &amp;category</source>
        <translation>Contenedores por &amp;categoría</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>Stevedore watches and manages Docker stress containers: per-container metrics (kernel module or cgroup files), a keep-newest-per-category manager, a log receiver with durable storage, and charts.
With no options it opens the desktop window; --no-gui runs the same work as a service.</source>
        <translation>Stevedore vigila y gestiona contenedores Docker de estrés: métricas por contenedor (módulo del kernel o archivos de cgroup), un gestor que conserva el más reciente de cada categoría, un receptor de logs con almacenamiento duradero y gráficas.
Sin opciones abre la ventana de escritorio; --no-gui hace el mismo trabajo como servicio.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Muestra esta ayuda.</translation>
    </message>
    <message>
        <source>Show the version.</source>
        <translation>Muestra la versión.</translation>
    </message>
    <message>
        <source>Run headless: collect, manage, receive and log every interval.</source>
        <translation>Funciona sin ventana: recoge, gestiona, recibe y registra en cada intervalo.</translation>
    </message>
    <message>
        <source>Take two samples (see --sample-gap), print one snapshot, exit.</source>
        <translation>Toma dos muestras (véase --sample-gap), imprime una instantánea y termina.</translation>
    </message>
    <message>
        <source>With --once: print JSON instead of tables.</source>
        <translation>Con --once: imprime JSON en vez de tablas.</translation>
    </message>
    <message>
        <source>With --no-gui: one summary line per tick; the full tables only when the containers change or on SIGUSR1.</source>
        <translation>Con --no-gui: una línea de resumen por ciclo; las tablas completas solo cuando cambian los contenedores o con SIGUSR1.</translation>
    </message>
    <message>
        <source>Metrics source: auto (module if loaded, else cgroup), kmod or cgroup. Default: auto.</source>
        <translation>Fuente de métricas: auto (el módulo si está cargado, si no cgroup), kmod o cgroup. Por omisión: auto.</translation>
    </message>
    <message>
        <source>auto|kmod|cgroup</source>
        <translation>auto|kmod|cgroup</translation>
    </message>
    <message>
        <source>The kernel module&apos;s /proc file (default: detect /proc/container_sysinfo or /proc/sysinfo_*).</source>
        <translation>El archivo /proc del módulo del kernel (por omisión: se detecta /proc/container_sysinfo o /proc/sysinfo_*).</translation>
    </message>
    <message>
        <source>path</source>
        <translation>ruta</translation>
    </message>
    <message>
        <source>procfs root (default /proc).</source>
        <translation>Raíz de procfs (por omisión /proc).</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>dir</translation>
    </message>
    <message>
        <source>cgroup file system root (default /sys/fs/cgroup).</source>
        <translation>Raíz del sistema de archivos de cgroup (por omisión /sys/fs/cgroup).</translation>
    </message>
    <message>
        <source>Seconds between ticks (default 10).</source>
        <translation>Segundos entre ciclos (por omisión 10).</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>segundos</translation>
    </message>
    <message>
        <source>With --once: seconds between the two samples (default 1).</source>
        <translation>Con --once: segundos entre las dos muestras (por omisión 1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Image for spawned containers (default: STEVEDORE_IMAGE, then %1).</source>
        <translation>Imagen de los contenedores creados (por omisión: STEVEDORE_IMAGE, después %1).</translation>
    </message>
    <message>
        <source>name</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>Decide and log what the manager would kill, kill nothing.</source>
        <translation>Decide y registra lo que el gestor mataría, sin matar nada.</translation>
    </message>
    <message>
        <source>Only monitor: never kill or remove containers.</source>
        <translation>Solo vigila: nunca mata ni elimina contenedores.</translation>
    </message>
    <message>
        <source>Create N random managed stress containers, then exit.</source>
        <translation>Crea N contenedores de estrés gestionados al azar y termina.</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Install a crontab line running the spawn script on SCHEDULE (e.g. &quot;* * * * *&quot;) while Stevedore runs; removed at exit.</source>
        <translation>Instala una línea de crontab que ejecuta el script de creación según HORARIO (p. ej. &quot;* * * * *&quot;) mientras Stevedore funciona; se quita al salir.</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>horario</translation>
    </message>
    <message>
        <source>Log receiver address (default 127.0.0.1:5000).</source>
        <translation>Dirección del receptor de logs (por omisión 127.0.0.1:5000).</translation>
    </message>
    <message>
        <source>host:port</source>
        <translation>host:puerto</translation>
    </message>
    <message>
        <source>Do not run the log receiver.</source>
        <translation>No ejecuta el receptor de logs.</translation>
    </message>
    <message>
        <source>The receiver&apos;s bearer token (shows in ps: prefer --token-file or STEVEDORE_TOKEN). Default: &lt;data-dir&gt;/token, created on first start.</source>
        <translation>El token de portador del receptor (se ve en ps: mejor --token-file o STEVEDORE_TOKEN). Por omisión: &lt;data-dir&gt;/token, creado en el primer arranque.</translation>
    </message>
    <message>
        <source>token</source>
        <translation>token</translation>
    </message>
    <message>
        <source>Read the bearer token (receiver and --report-to) from FILE.</source>
        <translation>Lee el token de portador (receptor y --report-to) de ARCHIVO.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>archivo</translation>
    </message>
    <message>
        <source>Also accept requests whose Host header names NAME (repeatable; others get 421).</source>
        <translation>Acepta también las peticiones cuya cabecera Host diga NOMBRE (repetible; las demás reciben 421).</translation>
    </message>
    <message>
        <source>Allow a non-loopback --listen address without --token.</source>
        <translation>Permite una dirección --listen que no sea de loopback sin --token.</translation>
    </message>
    <message>
        <source>Where the log store and charts live (default: $XDG_DATA_HOME/stevedore).</source>
        <translation>Dónde se guardan el almacén de logs y las gráficas (por omisión: $XDG_DATA_HOME/stevedore).</translation>
    </message>
    <message>
        <source>POST each tick&apos;s log entry to this receiver URL (default: the embedded receiver).</source>
        <translation>Envía (POST) la entrada de log de cada ciclo a la URL de este receptor (por omisión: el receptor integrado).</translation>
    </message>
    <message>
        <source>Write the stored log as an original-compatible logs.json array, then exit.</source>
        <translation>Escribe el log almacenado como un array logs.json compatible con el original y termina.</translation>
    </message>
    <message>
        <source>Render the charts (PNG, SVG, CSV) from the stored log into DIR, then exit. Needs no display.</source>
        <translation>Dibuja las gráficas (PNG, SVG, CSV) del log almacenado en DIR y termina. No necesita pantalla.</translation>
    </message>
    <message>
        <source>Count the loopback interface lo in the containers&apos; network figures too (default: every interface but lo).</source>
        <translation>Cuenta también la interfaz de loopback lo en las cifras de red de los contenedores (por omisión: todas las interfaces menos lo).</translation>
    </message>
    <message>
        <source>Redraw the charts into the data directory every 5 s from the start (as GET /show_graphs does).</source>
        <translation>Redibuja las gráficas en el directorio de datos cada 5 s desde el arranque (como hace GET /show_graphs).</translation>
    </message>
    <message>
        <source>With --export-charts: draw entries from TIME on (ISO 8601, local time unless it ends in Z or an offset). Default: the latest run.</source>
        <translation>Con --export-charts: dibuja las entradas desde FECHA (ISO 8601, hora local salvo que termine en Z o en un desfase). Por omisión: la última ejecución.</translation>
    </message>
    <message>
        <source>time</source>
        <translation>fecha</translation>
    </message>
    <message>
        <source>With --export-charts: draw entries up to TIME.</source>
        <translation>Con --export-charts: dibuja las entradas hasta FECHA.</translation>
    </message>
    <message>
        <source>Run only the log receiver and its store (no metrics, no manager, no Docker): a central receiver for --report-to.</source>
        <translation>Ejecuta solo el receptor de logs y su almacén (sin métricas, sin gestor, sin Docker): un receptor central para --report-to.</translation>
    </message>
    <message>
        <source>Name this host in its entries and /metrics (default: the hostname).</source>
        <translation>Nombre de este host en sus entradas y en /metrics (por omisión: el nombre del equipo).</translation>
    </message>
    <message>
        <source>With --export-charts: draw this host only (default: one set of charts per host).</source>
        <translation>Con --export-charts: dibuja solo este host (por omisión: un juego de gráficas por host).</translation>
    </message>
    <message>
        <source>Alert rules file (default: &lt;config-dir&gt;/stevedore/rules.json, else the built-in rules). SIGHUP reloads it.</source>
        <translation>Archivo de reglas de alerta (por omisión: &lt;config-dir&gt;/stevedore/rules.json, si no las reglas integradas). SIGHUP lo recarga.</translation>
    </message>
    <message>
        <source>Write the audit trail as a JSON array to FILE, then exit.</source>
        <translation>Escribe el registro de auditoría como un array JSON en ARCHIVO y termina.</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>argumento inesperado: %1</translation>
    </message>
    <message>
        <source>--source must be auto, kmod or cgroup, not &apos;%1&apos;</source>
        <translation>--source debe ser auto, kmod o cgroup, no «%1»</translation>
    </message>
    <message>
        <source>--interval must be a number of seconds from 0.1 to 86400, not &apos;%1&apos;</source>
        <translation>--interval debe ser un número de segundos de 0.1 a 86400, no «%1»</translation>
    </message>
    <message>
        <source>--sample-gap must be a number of seconds from 0 to 86400, not &apos;%1&apos;</source>
        <translation>--sample-gap debe ser un número de segundos de 0 a 86400, no «%1»</translation>
    </message>
    <message>
        <source>--cron-spawn must be one line (no \n or \r)</source>
        <translation>--cron-spawn debe ser una sola línea (sin \n ni \r)</translation>
    </message>
    <message>
        <source>--image must be one line (no \n or \r)</source>
        <translation>--image debe ser una sola línea (sin \n ni \r)</translation>
    </message>
    <message>
        <source>--cron-spawn needs five cron fields or an @keyword, e.g. &quot;* * * * *&quot;</source>
        <translation>--cron-spawn necesita cinco campos de cron o una @palabra clave, p. ej. &quot;* * * * *&quot;</translation>
    </message>
    <message>
        <source>--listen must be HOST:PORT, not &apos;%1&apos;</source>
        <translation>--listen debe ser HOST:PUERTO, no «%1»</translation>
    </message>
    <message>
        <source>--token-file %1: %2</source>
        <translation>--token-file %1: %2</translation>
    </message>
    <message>
        <source>--token-file %1 is empty</source>
        <translation>--token-file %1 está vacío</translation>
    </message>
    <message>
        <source>--listen %1 is reachable from other hosts: give --token-file FILE (or --token, STEVEDORE_TOKEN), or --insecure-listen to use the generated &lt;data-dir&gt;/token</source>
        <translation>--listen %1 es accesible desde otros hosts: indique --token-file ARCHIVO (o --token, STEVEDORE_TOKEN), o --insecure-listen para usar el &lt;data-dir&gt;/token generado</translation>
    </message>
    <message>
        <source>--host-name needs a one-line, non-empty name</source>
        <translation>--host-name necesita un nombre no vacío de una sola línea</translation>
    </message>
    <message>
        <source>--spawn needs a count from 1 to 1000, not &apos;%1&apos;</source>
        <translation>--spawn necesita una cantidad de 1 a 1000, no «%1»</translation>
    </message>
    <message>
        <source>--rules needs a file name</source>
        <translation>--rules necesita un nombre de archivo</translation>
    </message>
    <message>
        <source>choose one of --no-gui, --once, --spawn, --export-logs, --export-charts, --export-audit</source>
        <translation>elija solo una de --no-gui, --once, --spawn, --export-logs, --export-charts, --export-audit</translation>
    </message>
    <message>
        <source>--json goes with --once</source>
        <translation>--json va con --once</translation>
    </message>
    <message>
        <source>--%1 goes with --export-charts</source>
        <translation>--%1 va con --export-charts</translation>
    </message>
    <message>
        <source>--%1 must be a time like 2026-11-30T17:00 or 2026-11-30T16:00:00Z, not &apos;%2&apos;</source>
        <translation>--%1 debe ser una fecha como 2026-11-30T17:00 o 2026-11-30T16:00:00Z, no «%2»</translation>
    </message>
    <message>
        <source>--until must be later than --since</source>
        <translation>--until debe ser posterior a --since</translation>
    </message>
    <message>
        <source>--host NAME goes with --export-charts</source>
        <translation>--host NOMBRE va con --export-charts</translation>
    </message>
    <message>
        <source>--receiver-only runs alone (it may take --no-gui)</source>
        <translation>--receiver-only funciona solo (admite --no-gui)</translation>
    </message>
    <message>
        <source>--receiver-only needs the receiver: drop --no-listen</source>
        <translation>--receiver-only necesita el receptor: quite --no-listen</translation>
    </message>
    <message>
        <source>--receiver-only is the receiver: drop --report-to</source>
        <translation>--receiver-only es el receptor: quite --report-to</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together: give both (or neither)</source>
        <translation>--tls-cert y --tls-key van juntas: indique las dos (o ninguna)</translation>
    </message>
    <message>
        <source>--tls-cert/--tls-key are for the receiver: drop --no-listen</source>
        <translation>--tls-cert/--tls-key son para el receptor: quite --no-listen</translation>
    </message>
    <message>
        <source>--tls-cert/--tls-key: %1</source>
        <translation>--tls-cert/--tls-key: %1</translation>
    </message>
    <message>
        <source>--ca-file goes with --report-to https://...</source>
        <translation>--ca-file va con --report-to https://...</translation>
    </message>
    <message>
        <source>--ca-file: %1</source>
        <translation>--ca-file: %1</translation>
    </message>
    <message>
        <source>--report-to %1 would send the bearer token in clear text to another host: serve the receiver over HTTPS (--tls-cert/--tls-key) and use https://, or give --insecure to send it anyway</source>
        <translation>--report-to %1 enviaría el token de portador en claro a otra máquina: sirva el receptor por HTTPS (--tls-cert/--tls-key) y use https://, o indique --insecure para enviarlo de todos modos</translation>
    </message>
    <message>
        <source>Docker daemon (unix:///path or tcp://host:port). Default: DOCKER_HOST, the current docker context, then unix:///var/run/docker.sock, then Podman&apos;s socket when Docker&apos;s does not exist. A tcp:// host uses TLS as the docker CLI does: DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH.</source>
        <translation>Demonio de Docker (unix:///ruta o tcp://máquina:puerto). Por omisión: DOCKER_HOST, el contexto de docker actual, luego unix:///var/run/docker.sock y luego el socket de Podman si el de Docker no existe. Una dirección tcp:// usa TLS como lo hace la CLI de docker: DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH.</translation>
    </message>
    <message>
        <source>The docker context to use (as docker --context: its endpoint and TLS material), over DOCKER_HOST and DOCKER_CONTEXT.</source>
        <translation>El contexto de docker que se usa (como docker --context: su dirección y su material TLS), por encima de DOCKER_HOST y DOCKER_CONTEXT.</translation>
    </message>
    <message>
        <source>Serve the receiver over HTTPS with this PEM certificate (its chain may follow it). Needs --tls-key.</source>
        <translation>Sirve el receptor por HTTPS con este certificado PEM (puede ir seguido de su cadena). Necesita --tls-key.</translation>
    </message>
    <message>
        <source>The unencrypted PEM private key of --tls-cert.</source>
        <translation>La clave privada PEM, sin cifrar, de --tls-cert.</translation>
    </message>
    <message>
        <source>With --report-to https://: verify the receiver against the CA certificates in this PEM bundle instead of the system&apos;s.</source>
        <translation>Con --report-to https://: verifica el receptor con los certificados de CA de este archivo PEM en lugar de los del sistema.</translation>
    </message>
    <message>
        <source>Allow --report-to http:// to another host to send the bearer token in clear text. Does not turn off certificate verification of https:// receivers.</source>
        <translation>Permite que --report-to http:// a otra máquina envíe el token de portador en claro. No desactiva la verificación de certificados de los receptores https://.</translation>
    </message>
    <message>
        <source>--context needs a context name</source>
        <translation>--context necesita el nombre de un contexto</translation>
    </message>
    <message>
        <source>conflicting options: either specify --docker-host or --context, not both</source>
        <translation>opciones incompatibles: indique --docker-host o --context, no las dos</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message numerus="yes">
        <source>%n audit records from %1 written to %2</source>
        <translation>
            <numerusform>%n registro de auditoría de %1 escrito en %2</numerusform>
            <numerusform>%n registros de auditoría de %1 escritos en %2</numerusform>
        </translation>
    </message>
    <message>
        <source>the log is empty: the charts say &quot;no data&quot;</source>
        <translation>el log está vacío: las gráficas dicen &quot;sin datos&quot;</translation>
    </message>
    <message>
        <source>no entry in that time range: the charts say &quot;no data&quot;</source>
        <translation>ninguna entrada en ese intervalo de tiempo: las gráficas dicen &quot;sin datos&quot;</translation>
    </message>
    <message>
        <source>no stored log in %1 (nothing to draw)</source>
        <translation>no hay log almacenado en %1 (nada que dibujar)</translation>
    </message>
    <message numerus="yes">
        <source>read %1 of %2 store files (%n entries)</source>
        <translation>
            <numerusform>leídos %1 de %2 archivos del almacén (%n entrada)</numerusform>
            <numerusform>leídos %1 de %2 archivos del almacén (%n entradas)</numerusform>
        </translation>
    </message>
    <message>
        <source>no entry from host &apos;%1&apos;</source>
        <translation>ninguna entrada del host «%1»</translation>
    </message>
    <message>
        <source>cannot write to standard output</source>
        <translation>no se puede escribir en la salida estándar</translation>
    </message>
    <message numerus="yes">
        <source>%n entries from %1 written to %2</source>
        <translation>
            <numerusform>%n entrada de %1 escrita en %2</numerusform>
            <numerusform>%n entradas de %1 escritas en %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContainerFlows</name>
    <message>
        <source>Starting</source>
        <translation>Iniciando</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Deteniendo</translation>
    </message>
    <message>
        <source>Restarting</source>
        <translation>Reiniciando</translation>
    </message>
    <message>
        <source>Pausing</source>
        <translation>Pausando</translation>
    </message>
    <message>
        <source>Resuming</source>
        <translation>Reanudando</translation>
    </message>
    <message>
        <source>Killing</source>
        <translation>Matando</translation>
    </message>
    <message>
        <source>Removing</source>
        <translation>Eliminando</translation>
    </message>
    <message>
        <source>They are started again with their original command.</source>
        <translation>Se inician de nuevo con su comando original.</translation>
    </message>
    <message>
        <source>Each gets its stop signal (SIGTERM unless its image sets another) and, after Docker&apos;s grace period (10 s unless the container sets its own), SIGKILL. Stopped containers stay listed and can be started again.</source>
        <translation>Cada uno recibe su señal de parada (SIGTERM salvo que su imagen fije otra) y, tras el periodo de gracia de Docker (10 s salvo que el contenedor fije el suyo), SIGKILL. Los contenedores detenidos siguen en la lista y pueden iniciarse de nuevo.</translation>
    </message>
    <message>
        <source>Each is stopped as by Stop (graceful, Docker&apos;s grace period) and started again.</source>
        <translation>Cada uno se detiene como con Detener (ordenadamente, con el periodo de gracia de Docker) y se inicia de nuevo.</translation>
    </message>
    <message>
        <source>Their processes are frozen until they are resumed.</source>
        <translation>Sus procesos quedan congelados hasta que se reanuden.</translation>
    </message>
    <message>
        <source>Their frozen processes go on.</source>
        <translation>Sus procesos congelados continúan.</translation>
    </message>
    <message>
        <source>Each gets SIGKILL at once, without a chance to clean up. The containers stay, stopped, and can be started again.</source>
        <translation>Cada uno recibe SIGKILL de inmediato, sin ocasión de limpiar. Los contenedores se quedan, detenidos, y pueden iniciarse de nuevo.</translation>
    </message>
    <message>
        <source>They are killed if running and removed with their anonymous volumes (docker rm -f). This cannot be undone.</source>
        <translation>Se matan si están en marcha y se eliminan con sus volúmenes anónimos (docker rm -f). No se puede deshacer.</translation>
    </message>
    <message>
        <source>Spawned %1 of %2</source>
        <translation>Creados %1 de %2</translation>
    </message>
    <message>
        <source>Spawned %1</source>
        <translation>Creado: %1</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Iniciar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Reiniciar</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>Matar</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… y %1 más</translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation> y %1 más</translation>
    </message>
    <message>
        <source>Not labelled stevedore.managed=true: %1. Stevedore does not manage these containers and never acts on them by itself; they are acted on only because you ask for it here.</source>
        <translation>Sin la etiqueta stevedore.managed=true: %1. Stevedore no gestiona estos contenedores y nunca actúa sobre ellos por su cuenta; se actúa sobre ellos solo porque usted lo pide aquí.</translation>
    </message>
    <message>
        <source>%1 containers</source>
        <translation>%1 contenedores</translation>
    </message>
    <message>
        <source>%1 %2?</source>
        <translation>¿%1 %2?</translation>
    </message>
    <message>
        <source>%1 cancelled</source>
        <translation>«%1» cancelado</translation>
    </message>
    <message>
        <source>%1 %2 of %3…</source>
        <translation>%1 %2 de %3…</translation>
    </message>
    <message>
        <source>%1: %2 of %3 done</source>
        <translation>%1: %2 de %3 listos</translation>
    </message>
    <message>
        <source>removed from the window</source>
        <translation>eliminado desde la ventana</translation>
    </message>
    <message>
        <source>Spawning…</source>
        <translation>Creando…</translation>
    </message>
    <message>
        <source>Spawning %1…</source>
        <translation>Creando %1…</translation>
    </message>
    <message>
        <source>Cannot spawn now: Docker is not connected or a spawn is running</source>
        <translation>No se puede crear ahora: Docker no está conectado o ya hay una creación en curso</translation>
    </message>
    <message>
        <source>Pulling image: %1 / %2</source>
        <translation>Descargando la imagen: %1 / %2</translation>
    </message>
    <message>
        <source>Pulling image: %1</source>
        <translation>Descargando la imagen: %1</translation>
    </message>
    <message>
        <source>Pull failed: %1</source>
        <translation>Falló la descarga: %1</translation>
    </message>
    <message>
        <source>Spawn</source>
        <translation>Crear</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n failed</source>
        <translation>
            <numerusform>%1, %n falló</numerusform>
            <numerusform>%1, %n fallaron</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of %1 failed.</source>
        <translation>
            <numerusform>Falló %n de %1.</numerusform>
            <numerusform>Fallaron %n de %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n containers were created.</source>
        <translation>
            <numerusform>Se creó %1 de %n contenedor.</numerusform>
            <numerusform>Se crearon %1 de %n contenedores.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContainerPage</name>
    <message>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Select a container (double-click a row) to see its details.</source>
        <translation>Seleccione un contenedor (doble clic en una fila) para ver sus detalles.</translation>
    </message>
    <message>
        <source>%1: asking Docker…</source>
        <translation>%1: preguntando a Docker…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Imagen</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Comando</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creado</translation>
    </message>
    <message>
        <source> (exit code %1)</source>
        <translation> (código de salida %1)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Iniciado</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Restart count</source>
        <translation>Reinicios</translation>
    </message>
    <message>
        <source>Restart policy</source>
        <translation>Política de reinicio</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Memory limit</source>
        <translation>Límite de memoria</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>CPU limit</source>
        <translation>Límite de CPU</translation>
    </message>
    <message>
        <source>%1 CPUs</source>
        <translation>%1 CPU</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>TTY</source>
        <translation>TTY</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>Mounts</source>
        <translation>Montajes</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>%1 on %2: reported values only (its Docker is reachable from that host alone)</source>
        <translation>%1 en %2: solo los valores informados (su Docker solo es accesible desde ese equipo)</translation>
    </message>
</context>
<context>
    <name>ContainerTableModel</name>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Antigüedad</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>RAM %</source>
        <translation>RAM %</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>RAM</translation>
    </message>
    <message>
        <source>Disk read</source>
        <translation>Lectura de disco</translation>
    </message>
    <message>
        <source>Disk write</source>
        <translation>Escritura de disco</translation>
    </message>
    <message>
        <source>Read ops</source>
        <translation>Ops. de lectura</translation>
    </message>
    <message>
        <source>Write ops</source>
        <translation>Ops. de escritura</translation>
    </message>
    <message>
        <source>Net received</source>
        <translation>Red: recibido</translation>
    </message>
    <message>
        <source>Net sent</source>
        <translation>Red: enviado</translation>
    </message>
    <message>
        <source>Net in/s</source>
        <translation>Red: entrada/s</translation>
    </message>
    <message>
        <source>Net out/s</source>
        <translation>Red: salida/s</translation>
    </message>
    <message>
        <source>
managed by Stevedore</source>
        <translation>
gestionado por Stevedore</translation>
    </message>
    <message>
        <source>%1 read in total, %2/s now</source>
        <translation>%1 leídos en total, %2/s ahora</translation>
    </message>
    <message>
        <source>%1 written in total, %2/s now</source>
        <translation>%1 escritos en total, %2/s ahora</translation>
    </message>
    <message>
        <source>%1 in %2 packets received in total, %3/s now</source>
        <translation>%1 en %2 paquetes recibidos en total, %3/s ahora</translation>
    </message>
    <message>
        <source>%1 in %2 packets sent in total, %3/s now</source>
        <translation>%1 en %2 paquetes enviados en total, %3/s ahora</translation>
    </message>
    <message>
        <source>100 % = one core; %1 % of the whole host</source>
        <translation>100 % = un núcleo; %1 % de todo el host</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Equipo</translation>
    </message>
    <message>
        <source>this host</source>
        <translation>este equipo</translation>
    </message>
    <message>
        <source>%1 (%2 ago)</source>
        <extracomment>%1 host name, %2 an age such as &quot;12 s&quot;</extracomment>
        <translation>%1 (hace %2)</translation>
    </message>
    <message>
        <source>Last reported by %1 at %2; its containers can only be managed on that host</source>
        <translation>Último informe de %1 a las %2; sus contenedores solo se pueden gestionar en ese equipo</translation>
    </message>
    <message>
        <source>This host</source>
        <translation>Este equipo</translation>
    </message>
</context>
<context>
    <name>ContainerView</name>
    <message>
        <source>Filter by name, ID, category, state or PID (Ctrl+F)</source>
        <translation>Filtrar por nombre, ID, categoría, estado o PID (Ctrl+F)</translation>
    </message>
    <message>
        <source>No containers are running.

Spawn stress containers with Containers ▸ Spawn… (Ctrl+N), or start your own with the label stevedore.managed=true to have them managed.</source>
        <translation>No hay contenedores en marcha.

Cree contenedores de estrés con Contenedores ▸ Crear… (Ctrl+N), o inicie los suyos con la etiqueta stevedore.managed=true para que se gestionen.</translation>
    </message>
    <message>
        <source>No container matches the filter “%1”.</source>
        <translation>Ningún contenedor coincide con el filtro «%1».</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <source>Export charts to</source>
        <translation>Exportar las gráficas a</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>Live (15 min)</source>
        <translation>En directo (15 min)</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 horas</translation>
    </message>
    <message>
        <source>All stored</source>
        <translation>Todo lo guardado</translation>
    </message>
    <message>
        <source>The time range drawn, read from the log store</source>
        <translation>El intervalo de tiempo dibujado, leído del almacén de logs</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>% de CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memoria</translation>
    </message>
    <message>
        <source>Disk read / write</source>
        <translation>Disco: lectura / escritura</translation>
    </message>
    <message>
        <source>Network received / sent</source>
        <translation>Red: recibido / enviado</translation>
    </message>
    <message>
        <source>CPU % (100 = one core)</source>
        <translation>% de CPU (100 = un núcleo)</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lectura</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Escritura</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>&amp;Range:</source>
        <translation>&amp;Intervalo:</translation>
    </message>
    <message>
        <source>No log store: the history is not recorded.</source>
        <translation>No hay almacén de logs: el historial no se guarda.</translation>
    </message>
    <message>
        <source>Select a container to see its history.</source>
        <translation>Seleccione un contenedor para ver su historial.</translation>
    </message>
    <message>
        <source>Reading the log store…</source>
        <translation>Leyendo el almacén de logs…</translation>
    </message>
    <message>
        <source>Cannot read the history: %1</source>
        <translation>No se puede leer el historial: %1</translation>
    </message>
    <message>
        <source>Nothing stored for this container in this range.</source>
        <translation>No hay nada guardado de este contenedor en este intervalo.</translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) stored, %1 to %2 (read in %3 ms)</source>
        <translation>
            <numerusform>%n muestra guardada, de %1 a %2 (leída en %3 ms)</numerusform>
            <numerusform>%n muestras guardadas, de %1 a %2 (leídas en %3 ms)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>HostSelector</name>
    <message>
        <source>Which hosts the table and the charts show: this one, or a host that reports to this window&apos;s receiver (--report-to)</source>
        <translation>Qué equipos muestran la tabla y las gráficas: este, o un equipo que informa al receptor de esta ventana (--report-to)</translation>
    </message>
    <message>
        <source>All hosts</source>
        <translation>Todos los equipos</translation>
    </message>
    <message>
        <source>This host</source>
        <translation>Este equipo</translation>
    </message>
    <message>
        <source>%1 (this host)</source>
        <translation>%1 (este equipo)</translation>
    </message>
</context>
<context>
    <name>LogPane</name>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Seguir</translation>
    </message>
    <message>
        <source>&amp;Timestamps</source>
        <translation>&amp;Marcas de tiempo</translation>
    </message>
    <message>
        <source>Search the log (Enter: next match)</source>
        <translation>Buscar en el log (Intro: siguiente coincidencia)</translation>
    </message>
    <message>
        <source>Scroll to each new line; off, the view holds still while lines keep coming</source>
        <translation>Desplaza hasta cada línea nueva; desactivado, la vista se queda quieta mientras siguen llegando líneas</translation>
    </message>
    <message>
        <source>Show Docker&apos;s time of each line (from the next container or restart)</source>
        <translation>Muestra la hora de Docker de cada línea (desde el próximo contenedor o reinicio)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copiar</translation>
    </message>
    <message>
        <source>Copy the selected lines, or the whole log when nothing is selected</source>
        <translation>Copia las líneas seleccionadas, o el log entero si no hay nada seleccionado</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Guardar…</translation>
    </message>
    <message>
        <source>Save the lines shown to a file</source>
        <translation>Guarda en un archivo las líneas mostradas</translation>
    </message>
    <message>
        <source>%1: the log ended (the container stopped)</source>
        <translation>%1: el log terminó (el contenedor se detuvo)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Select a container to follow its log.</source>
        <translation>Seleccione un contenedor para seguir su log.</translation>
    </message>
    <message>
        <source>%1: shown when this tab is open</source>
        <translation>%1: se muestra cuando esta pestaña está abierta</translation>
    </message>
    <message>
        <source>%1: the last %2 lines, then live</source>
        <translation>%1: las últimas %2 líneas, luego en directo</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>Guardar el log</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>Archivos de log (*.log *.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n lines to %1</source>
        <translation>
            <numerusform>Guardada %n línea en %1</numerusform>
            <numerusform>Guardadas %n líneas en %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Manager</source>
        <translation>Gestor</translation>
    </message>
    <message>
        <source>Stevedore</source>
        <translation>Stevedore</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Logs</translation>
    </message>
    <message>
        <source>&amp;Details</source>
        <translation>&amp;Detalles</translation>
    </message>
    <message>
        <source>Exporting charts…</source>
        <translation>Exportando gráficas…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Falló la exportación: %1</translation>
    </message>
    <message>
        <source>Log store in %1</source>
        <translation>Almacén de logs en %1</translation>
    </message>
    <message>
        <source>not listening</source>
        <translation>sin escuchar</translation>
    </message>
    <message>
        <source>off (--no-listen)</source>
        <translation>desactivado (--no-listen)</translation>
    </message>
    <message>
        <source>Connecting to Docker at %1…</source>
        <translation>Conectando con Docker en %1…</translation>
    </message>
    <message>
        <source>Docker is unreachable, so no containers can be listed or spawned.

%1

Is dockerd running, and may this user use its socket (the docker group)? Stevedore retries on its own.</source>
        <translation>No se puede contactar con Docker, así que no se pueden listar ni crear contenedores.

%1

¿Está dockerd en marcha y puede este usuario usar su socket (el grupo docker)? Stevedore lo reintenta por su cuenta.</translation>
    </message>
    <message>
        <source>No Docker endpoint (see --docker-host).</source>
        <translation>Sin punto de conexión de Docker (véase --docker-host).</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>Act&amp;ualizar ahora</translation>
    </message>
    <message>
        <source>Collect a sample now (F5)</source>
        <translation>Toma una muestra ahora (F5)</translation>
    </message>
    <message>
        <source>&amp;Freeze display</source>
        <translation>Conge&amp;lar la vista</translation>
    </message>
    <message>
        <source>Hold the table and charts still to read them; sampling, managing and the chart history go on (Ctrl+P)</source>
        <translation>Mantiene quietas la tabla y las gráficas para leerlas; el muestreo, la gestión y el historial de las gráficas continúan (Ctrl+P)</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>&amp;Iniciar</translation>
    </message>
    <message>
        <source>Start the selected stopped containers (Ctrl+Shift+S)</source>
        <translation>Inicia los contenedores detenidos seleccionados (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>St&amp;op…</source>
        <translation>&amp;Detener…</translation>
    </message>
    <message>
        <source>Stop the selected containers gracefully: SIGTERM, then SIGKILL after Docker&apos;s grace period (Ctrl+Shift+X)</source>
        <translation>Detiene ordenadamente los contenedores seleccionados: SIGTERM y, tras el periodo de gracia de Docker, SIGKILL (Ctrl+Shift+X)</translation>
    </message>
    <message>
        <source>&amp;Restart…</source>
        <translation>&amp;Reiniciar…</translation>
    </message>
    <message>
        <source>Stop and start the selected containers (Ctrl+Shift+R)</source>
        <translation>Detiene e inicia los contenedores seleccionados (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausar</translation>
    </message>
    <message>
        <source>Freeze the selected containers&apos; processes (Ctrl+Shift+P)</source>
        <translation>Congela los procesos de los contenedores seleccionados (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>Rea&amp;nudar</translation>
    </message>
    <message>
        <source>Resume the selected paused containers (Ctrl+Shift+U)</source>
        <translation>Reanuda los contenedores pausados seleccionados (Ctrl+Shift+U)</translation>
    </message>
    <message>
        <source>&amp;Kill…</source>
        <translation>&amp;Matar…</translation>
    </message>
    <message>
        <source>Send SIGKILL to the selected containers; they stay, stopped (Ctrl+Shift+K)</source>
        <translation>Envía SIGKILL a los contenedores seleccionados; se quedan, detenidos (Ctrl+Shift+K)</translation>
    </message>
    <message>
        <source>Re&amp;move…</source>
        <translation>&amp;Eliminar…</translation>
    </message>
    <message>
        <source>Kill and remove the selected containers, docker rm -f (Del)</source>
        <translation>Mata y elimina los contenedores seleccionados, docker rm -f (Supr)</translation>
    </message>
    <message>
        <source>Show &amp;stopped containers</source>
        <translation>Mostrar contenedores de&amp;tenidos</translation>
    </message>
    <message>
        <source>List exited and created containers too, so they can be started or removed</source>
        <translation>Lista también los contenedores terminados y creados, para poder iniciarlos o eliminarlos</translation>
    </message>
    <message>
        <source>&amp;Spawn…</source>
        <translation>&amp;Crear…</translation>
    </message>
    <message>
        <source>Create stress containers (Ctrl+N)</source>
        <translation>Crea contenedores de estrés (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Export charts…</source>
        <translation>&amp;Exportar gráficas…</translation>
    </message>
    <message>
        <source>Write PNG and SVG of every chart panel and a CSV of the series (Ctrl+E)</source>
        <translation>Escribe un PNG y un SVG de cada panel de gráficas y un CSV de las series (Ctrl+E)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;About Stevedore</source>
        <translation>&amp;Acerca de Stevedore</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>&amp;Filtrar</translation>
    </message>
    <message>
        <source>&amp;Auto-manage</source>
        <translation>Gestión &amp;automática</translation>
    </message>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Simulación</translation>
    </message>
    <message>
        <source>&amp;Auto (module if loaded, else cgroup)</source>
        <translation>&amp;Auto (el módulo si está cargado, si no cgroup)</translation>
    </message>
    <message>
        <source>&amp;Kernel module</source>
        <translation>Módulo del &amp;kernel</translation>
    </message>
    <message>
        <source>&amp;cgroup files</source>
        <translation>Archivos de &amp;cgroup</translation>
    </message>
    <message>
        <source>Metrics source %1: used from the next start</source>
        <translation>Fuente de métricas %1: se usa desde el próximo arranque</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Containers</source>
        <translation>&amp;Contenedores</translation>
    </message>
    <message>
        <source>&amp;Manager</source>
        <translation>&amp;Gestor</translation>
    </message>
    <message>
        <source>Metrics &amp;source</source>
        <translation>Fuente de &amp;métricas</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>&amp;Columnas</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Acerca de &amp;Qt</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>Docker at %1 (API %2)</source>
        <translation>Docker en %1 (API %2)</translation>
    </message>
    <message>
        <source>Docker not connected</source>
        <translation>Docker sin conectar</translation>
    </message>
    <message>
        <source>About Stevedore</source>
        <translation>Acerca de Stevedore</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Stevedore %1&lt;/h3&gt;&lt;p&gt;Watches and manages Docker stress containers: per-container metrics from the container_sysinfo kernel module or cgroup files, a keep-newest-per-category manager, a log receiver with durable storage, and charts.&lt;/p&gt;&lt;p&gt;Metrics: %2&lt;br&gt;%3&lt;br&gt;Qt %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Stevedore %1&lt;/h3&gt;&lt;p&gt;Vigila y gestiona contenedores Docker de estrés: métricas por contenedor del módulo del kernel container_sysinfo o de los archivos de cgroup, un gestor que conserva el más reciente de cada categoría, un receptor de logs con almacenamiento duradero y gráficas.&lt;/p&gt;&lt;p&gt;Métricas: %2&lt;br&gt;%3&lt;br&gt;Qt %4&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n files to %1</source>
        <translation>
            <numerusform>Exportado %n archivo a %1</numerusform>
            <numerusform>Exportados %n archivos a %1</numerusform>
        </translation>
    </message>
    <message>
        <source>The selection holds containers of another host: manage them on that host (this window reaches only its own Docker)</source>
        <translation>La selección contiene contenedores de otro equipo: gestiónelos en ese equipo (esta ventana solo accede a su propio Docker)</translation>
    </message>
    <message>
        <source>Containers are spawned on this host only: choose it or All hosts</source>
        <translation>Los contenedores solo se crean en este equipo: elíjalo o elija Todos los equipos</translation>
    </message>
</context>
<context>
    <name>ManagerPane</name>
    <message>
        <source>&amp;Auto-manage</source>
        <translation>Gestión &amp;automática</translation>
    </message>
    <message>
        <source>D&amp;ry run</source>
        <translation>&amp;Simulación</translation>
    </message>
    <message>
        <source>Keep the newest container per category and remove the older ones. Only containers labelled stevedore.managed=true are ever removed.</source>
        <translation>Conserva el contenedor más reciente de cada categoría y elimina los más antiguos. Solo se eliminan contenedores con la etiqueta stevedore.managed=true.</translation>
    </message>
    <message>
        <source>Decide and log, remove nothing.</source>
        <translation>Decide y registra, sin eliminar nada.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Container</source>
        <translation>Contenedor</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>&amp;Interval:</source>
        <translation>&amp;Intervalo:</translation>
    </message>
    <message>
        <source>Removals (manager and user):</source>
        <translation>Eliminaciones (gestor y usuario):</translation>
    </message>
    <message>
        <source> (kept %1)</source>
        <translation> (se conserva %1)</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>eliminado</translation>
    </message>
    <message>
        <source>already gone</source>
        <translation>ya no existía</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falló</translation>
    </message>
    <message>
        <source>dry-run</source>
        <translation>simulación</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pendiente</translation>
    </message>
    <message>
        <source>not acted</source>
        <translation>sin acción</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Stevedore</source>
        <translation>Stevedore</translation>
    </message>
    <message>
        <source>%1

Open the window without the log receiver (--no-listen)?</source>
        <translation>%1

¿Abrir la ventana sin el receptor de logs (--no-listen)?</translation>
    </message>
</context>
<context>
    <name>RulesEditor</name>
    <message>
        <source>Alert rules</source>
        <translation>Reglas de alerta</translation>
    </message>
    <message>
        <source>Editing %1</source>
        <translation>Editando %1</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Comprobar</translation>
    </message>
    <message>
        <source>&amp;Test on the last 15 minutes</source>
        <translation>&amp;Probar con los últimos 15 minutos</translation>
    </message>
    <message>
        <source>No stored data to test on: %1</source>
        <translation>No hay datos almacenados con los que probar: %1</translation>
    </message>
    <message>
        <source>%1: %2 would have fired at %3 on %4 (value %5, threshold %6)</source>
        <translation>%1: %2 se habría activado a las %3 en %4 (valor %5, umbral %6)</translation>
    </message>
    <message>
        <source>%1: %2 would have resolved at %3 on %4 (value %5, threshold %6)</source>
        <translation>%1: %2 se habría resuelto a las %3 en %4 (valor %5, umbral %6)</translation>
    </message>
    <message>
        <source>No stored data in the last 15 minutes</source>
        <translation>No hay datos almacenados en los últimos 15 minutos</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>No se puede guardar %1: %2</translation>
    </message>
    <message>
        <source>Saved. %1</source>
        <translation>Guardado. %1</translation>
    </message>
    <message numerus="yes">
        <source>%n rules, %1 enabled: the file is valid</source>
        <translation>
            <numerusform>%n regla, activadas: %1; el archivo es válido</numerusform>
            <numerusform>%n reglas, activadas: %1; el archivo es válido</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored snapshots from %1: %2 alerts would have fired</source>
        <translation>
            <numerusform>%n instantánea almacenada desde %1; alertas que se habrían activado: %2</numerusform>
            <numerusform>%n instantáneas almacenadas desde %1; alertas que se habrían activado: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SpawnDialog</name>
    <message>
        <source>Spawn containers</source>
        <translation>Crear contenedores</translation>
    </message>
    <message>
        <source>&amp;Spawn</source>
        <translation>Cre&amp;ar</translation>
    </message>
    <message>
        <source>&amp;CPU</source>
        <translation>&amp;CPU</translation>
    </message>
    <message>
        <source>&amp;RAM</source>
        <translation>&amp;RAM</translation>
    </message>
    <message>
        <source>&amp;I/O</source>
        <translation>&amp;E/S</translation>
    </message>
    <message>
        <source>&amp;Disk</source>
        <translation>&amp;Disco</translation>
    </message>
    <message>
        <source>&amp;Number:</source>
        <translation>&amp;Número:</translation>
    </message>
    <message>
        <source>Types (random among):</source>
        <translation>Tipos (al azar entre):</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Imagen:</translation>
    </message>
    <message>
        <source>Each container gets a random type among the ticked ones and the labels stevedore.managed=true and stevedore.category. The image is pulled first if it is missing.</source>
        <translation>Cada contenedor recibe un tipo al azar entre los marcados y las etiquetas stevedore.managed=true y stevedore.category. Si falta la imagen, primero se descarga.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>1 container</source>
        <translation>1 contenedor</translation>
    </message>
    <message>
        <source>%1 containers</source>
        <translation>%1 contenedores</translation>
    </message>
    <message>
        <source>Metrics: starting…</source>
        <translation>Métricas: arrancando…</translation>
    </message>
    <message>
        <source>Waiting for the first tick…</source>
        <translation>Esperando el primer ciclo…</translation>
    </message>
    <message>
        <source>Metrics: kernel module</source>
        <translation>Métricas: módulo del kernel</translation>
    </message>
    <message>
        <source>Metrics: cgroup (kernel module not loaded)</source>
        <translation>Métricas: cgroup (módulo del kernel no cargado)</translation>
    </message>
    <message>
        <source>Reading cgroup files under %1.
Load the container_sysinfo module for its per-task counters:
  sudo insmod kernel_module/container_sysinfo.ko
Stevedore picks it up by itself (Manager ▸ Metrics source ▸ Auto).</source>
        <translation>Leyendo los archivos de cgroup bajo %1.
Cargue el módulo container_sysinfo para tener sus contadores por tarea:
  sudo insmod kernel_module/container_sysinfo.ko
Stevedore lo detecta por sí mismo (Gestor ▸ Fuente de métricas ▸ Auto).</translation>
    </message>
    <message>
        <source>Metrics: %1</source>
        <translation>Métricas: %1</translation>
    </message>
    <message>
        <source>Docker: not configured</source>
        <translation>Docker: sin configurar</translation>
    </message>
    <message>
        <source>Docker: connected (%1)</source>
        <translation>Docker: conectado (%1)</translation>
    </message>
    <message>
        <source>%1, API %2</source>
        <translation>%1, API %2</translation>
    </message>
    <message>
        <source>Docker: connecting to %1…</source>
        <translation>Docker: conectando con %1…</translation>
    </message>
    <message>
        <source>Docker: disconnected (%1)</source>
        <translation>Docker: desconectado (%1)</translation>
    </message>
    <message>
        <source>Receiver: %1</source>
        <translation>Receptor: %1</translation>
    </message>
    <message>
        <source>Last tick %1 · %2</source>
        <translation>Último ciclo %1 · %2</translation>
    </message>
    <message>
        <source>Last tick failed</source>
        <translation>Falló el último ciclo</translation>
    </message>
    <message>
        <source> (display frozen)</source>
        <translation> (vista congelada)</translation>
    </message>
    <message>
        <source>Display frozen: sampling and managing go on (Ctrl+P to resume)</source>
        <translation>Vista congelada: el muestreo y la gestión continúan (Ctrl+P para reanudar)</translation>
    </message>
    <message>
        <source>Display live again</source>
        <translation>Vista en directo de nuevo</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Try &apos;stevedore --help&apos;.</source>
        <translation>Pruebe «stevedore --help».</translation>
    </message>
    <message>
        <source>no display (DISPLAY/WAYLAND_DISPLAY unset): running headless as with --no-gui</source>
        <translation>sin pantalla (DISPLAY/WAYLAND_DISPLAY sin definir): funcionando sin ventana como con --no-gui</translation>
    </message>
</context>
</TS>
