
// Appended to wasm-split's loader by scripts/split-app: every module is
// fetched through this. A download that stops (no byte for 10 s: a dropped
// connection the browser has not noticed) fails, so the page offers Try
// again and the sync engine fetches its module again, instead of "Opening
// this page…" for ever. A slow but moving download is never cut.
const MODULE_STALL_MS = 10000;
function fetchOrGiveUp(url) {
    const stop = new AbortController();
    let timer;
    const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => stop.abort(new Error("the module's download stalled")), MODULE_STALL_MS);
    };
    const disarm = () => clearTimeout(timer);
    arm();
    return fetch(url, { signal: stop.signal }).then((response) => {
        if (!response.body) {
            disarm();
            return response;
        }
        const reader = response.body.getReader();
        const body = new ReadableStream({
            async pull(controller) {
                arm();
                try {
                    const { done, value } = await reader.read();
                    if (done) {
                        disarm();
                        controller.close();
                    } else {
                        controller.enqueue(value);
                    }
                } catch (e) {
                    disarm();
                    controller.error(e);
                }
            },
            cancel(reason) {
                disarm();
                return reader.cancel(reason);
            },
        });
        // Same status and headers: instantiateStreaming checks the type.
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    }, (e) => {
        disarm();
        throw e;
    });
}
