//! A crafted invite cannot take a device's keys. A partner who shares a real
//! goal plan also sends a link to a keyring of their own making: opening it
//! gets a clear refusal and a way on, and once the victim's next edit to the
//! shared plan has reached the partner (so the victim's device is syncing),
//! the crafted keyring holds nothing at the relay. See: issue 10.

use std::time::Duration;

use confidant_e2e::{action, find, Browser, ChromeDriver, TestServer, Viewport};
use confidant_shared::document::DocumentKind;
use confidant_shared::sync::wire::{decode, encode, ClientMessage, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, Invite, MemberKeys, Role};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

const SYNC: Duration = Duration::from_secs(45);

async fn shows(browser: &Browser, title: &str) -> anyhow::Result<()> {
    let script = confidant_e2e::action::has_goal(title);
    find::until_within(browser, &format!("the goal {title:?}"), &script, SYNC).await
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn read(socket: &mut Socket) -> anyhow::Result<RelayMessage> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next()).await?.ok_or_else(|| anyhow::anyhow!("the relay closed"))??;
        if let Message::Binary(bytes) = message {
            return Ok(decode::<RelayMessage>(&bytes)?);
        }
    }
}

/// What the relay holds of a document, read with its keys as any member would.
async fn stored_at_relay(server: &TestServer, keys: &DocumentKeys) -> anyhow::Result<u64> {
    let url = server.url("/sync").replacen("http", "ws", 1);
    let origin = url.trim_start_matches("ws://").trim_end_matches("/sync").to_owned();
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
    let RelayMessage::Welcome { challenge, .. } = read(&mut socket).await? else { anyhow::bail!("no welcome") };
    socket.send(Message::Binary(encode(&ClientMessage::Hello { version: PROTOCOL_VERSION }).into())).await?;
    let subscribe = ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof(&origin, &challenge) };
    socket.send(Message::Binary(encode(&subscribe).into())).await?;
    let mut chunks = 0;
    loop {
        match read(&mut socket).await? {
            RelayMessage::Chunk { .. } => chunks += 1,
            RelayMessage::CaughtUp { seq, .. } => {
                anyhow::ensure!(seq == chunks, "the relay says {seq} but sent {chunks}");
                return Ok(chunks);
            }
            other => anyhow::bail!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_crafted_keyring_link_is_refused_and_nothing_reaches_its_maker() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let driver = ChromeDriver::start().await?;
    let crafter = Browser::open(&driver, Viewport::DESKTOP).await?;
    let victim = Browser::open(&driver, Viewport::PHONE).await?;

    // A real shared plan first, so the victim's device has keys worth taking.
    crafter.client.goto(&server.url("/goals")).await?;
    find::css(&crafter, "#new-plan-title").await?.send_keys("Shared plan").await?;
    find::by_text(&crafter, "button", "Create goal plan").await?.click().await?;
    find::heading(&crafter, "Shared plan").await?;
    find::css(&crafter, "[data-testid='share']").await?.click().await?;
    let link = action::invite_link(&crafter).await?;
    action::accept_invite_as(&victim, &link, "Vic Tim").await?;
    find::heading(&victim, "Shared plan").await?;
    let plan_url = victim.client.current_url().await?;
    action::add_goal(&victim, "A private goal").await?;
    shows(&crafter, "A private goal").await?;

    // The crafted link: a keyring whose keys its maker holds.
    let keys = DocumentKeys::create([0x66; 32]);
    let member = MemberKeys::issue(&keys, Role::Owner, [0x67; 32])?;
    let crafted = Invite { kind: DocumentKind::Keyring, keys: keys.clone(), member }.link(&server.url(""));
    victim.client.goto(&crafted).await?;
    find::heading(&victim, "Invitation").await?;
    let refusal = find::css(&victim, "[data-testid='invite-error']").await?.text().await?;
    assert!(refusal.contains("refused"), "{refusal}");
    assert!(find::by_text(&victim, "a", "Go to your home page").await.is_ok(), "a way on");
    assert!(victim.eval("return document.querySelector(\"[data-testid='accept-invite']\") === null").await?.as_bool() == Some(true));
    assert!(!victim.client.current_url().await?.as_str().contains("keyring."), "the fragment left the address bar");

    // The victim goes on; its next edit reaches the crafter through the relay.
    victim.client.goto(plan_url.as_str()).await?;
    action::add_goal(&victim, "An edit after the crafted link").await?;
    shows(&crafter, "An edit after the crafted link").await?;
    find::until_within(&victim, "the victim up to date", "document.querySelector(\".sync[data-status='up-to-date']\")", SYNC).await?;
    assert_eq!(stored_at_relay(&server, &keys).await?, 0, "nothing reached the crafted keyring");

    crafter.close().await?;
    victim.close().await
}
