import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('network');

const subnet = { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0123456789abcdef0' };
const network = { vpcId: 'vpc-0123456789abcdef0', subnets: [subnet] };
const env = (platform: Record<string, unknown>) => ({ dev: { region: 'eu-west-1', model: { directory: modelDir }, platform } });

const problemsOf = configProblems;

describe('Given a network block', () => {
  test('When a Lambda platform names a VPC and its subnets by id, then endpoints are created by default', () => {
    const [loaded] = loadEnvironments(env({ type: 'lambda', network }), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.platform).toMatchObject({ network: { ...network, createVpcEndpoints: true } });
  });

  test.each([
    ['a VPC id of another form', { ...network, vpcId: 'vpc-xyz' }, `dev.platform.network.vpcId: must be an id such as 'vpc-0123456789abcdef0' (got "vpc-xyz")`],
    ['no subnet', { ...network, subnets: [] }, 'dev.platform.network.subnets: must have at least 1 item (got [])'],
    ['a subnet id of another form', { ...network, subnets: [{ ...subnet, subnetId: 'sn-1' }] }, `dev.platform.network.subnets[0].subnetId: must be an id such as 'subnet-0123456789abcdef0' (got "sn-1")`],
    ['a zone that is a region', { ...network, subnets: [{ ...subnet, availabilityZone: 'eu-west-1' }] }, `dev.platform.network.subnets[0].availabilityZone: must be an availability zone such as 'eu-west-1a' (got "eu-west-1")`],
    ['a route table id of another form', { ...network, subnets: [{ ...subnet, routeTableId: 'rt-1' }] }, `dev.platform.network.subnets[0].routeTableId: must be an id such as 'rtb-0123456789abcdef0' (got "rt-1")`],
    ['the same subnet twice', { ...network, subnets: [subnet, subnet] }, 'dev.platform.network.subnets[1].subnetId: must be unique among the subnets (got "subnet-0123456789abcdef0")'],
  ])('When it has %s, then it is refused naming the field', (_case, value, message) => {
    expect(problemsOf(env({ type: 'lambda', network: value }))).toEqual([message]);
  });

  test('When a SageMaker serverless endpoint has one, then it is refused: serverless cannot run in a VPC', () => {
    expect(problemsOf(env({ type: 'sagemaker', serverless: {}, network }))).toEqual([expect.stringMatching(/^dev\.platform\.network: cannot be combined with serverless/)]);
  });
});
