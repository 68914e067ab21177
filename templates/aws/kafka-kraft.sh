
# --kafka apache: Apache Kafka {{KAFKA_VERSION}} in KRaft mode (one node, listening on 127.0.0.1 only),
# from the Apache archive, its SHA-512 checked before anything is unpacked.
dnf install -y java-21-amazon-corretto-headless
curl -fsSL -o /tmp/kafka.tgz "https://archive.apache.org/dist/kafka/{{KAFKA_VERSION}}/kafka_{{SCALA_VERSION}}-{{KAFKA_VERSION}}.tgz"
echo "{{KAFKA_SHA512}}  /tmp/kafka.tgz" | sha512sum --check --strict -
useradd --system --home-dir /var/lib/kafka --shell /sbin/nologin kafka || true
tar -xzf /tmp/kafka.tgz -C /opt
ln -sfn /opt/kafka_{{SCALA_VERSION}}-{{KAFKA_VERSION}} /opt/kafka
rm -f /tmp/kafka.tgz
install -d -o kafka -g kafka /var/lib/kafka/data
cat > /etc/kafka-kraft.properties <<'PROPERTIES'
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://127.0.0.1:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=/var/lib/kafka/data
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
PROPERTIES
sudo -u kafka /opt/kafka/bin/kafka-storage.sh format --ignore-formatted \
  --cluster-id "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" --config /etc/kafka-kraft.properties
cat > /etc/systemd/system/kafka.service <<'UNIT'
[Unit]
Description=Apache Kafka {{KAFKA_VERSION}} (KRaft, single node) for citystream
After=network-online.target
Wants=network-online.target

[Service]
User=kafka
Group=kafka
ExecStart=/opt/kafka/bin/kafka-server-start.sh /etc/kafka-kraft.properties
Restart=on-failure
LimitNOFILE=100000

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now kafka.service
